import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The greeter's panel as one ES module, gui/dist/greeter-panel.js (the manifest's
 * contributes.gui: assets "gui/dist", module "greeter-panel.js"). The shared names stay external:
 * the Orch shell's import map maps them to its own React and SDK at run time.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    lib: {
      entry: fileURLToPath(new URL('./src/greeter-panel.jsx', import.meta.url)),
      formats: ['es'],
      fileName: () => 'greeter-panel.js',
    },
    rolldownOptions: {
      external: ['react', 'react/jsx-runtime', '@orch/gui-sdk'],
    },
  },
});
