import { runtime } from '../sdk/runtime';
export type Theme = 'light' | 'dark';
const KEY = 'orch.theme';

export function storedTheme(): Theme {
  try {
    const value = localStorage.getItem(KEY);
    if (value === 'light' || value === 'dark') return value;
  } catch {
    // no storage: fall through to the system preference
  }
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  runtime.theme.set(theme);
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // keep it for this page only
  }
}

export function applyStoredTheme(): void {
  const theme = storedTheme();
  document.documentElement.dataset.theme = theme;
  runtime.theme.set(theme);
}
