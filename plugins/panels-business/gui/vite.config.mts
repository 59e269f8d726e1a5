import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The business panels as one ES module library, `gui/dist/panels.js`. React, React Flow and the SDK
 * stay external: the browser resolves them through the shell's import map to the shell's own
 * instances. No CSS of its own: the shell's style kit (Tailwind + daisyUI) covers it.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    lib: {
      entry: fileURLToPath(new URL('./src/index.tsx', import.meta.url)),
      formats: ['es'],
      fileName: () => 'panels.js',
    },
    rolldownOptions: {
      external: ['react', 'react/jsx-runtime', 'react-dom', 'react-dom/client', '@xyflow/react', '@orch/gui-sdk'],
    },
  },
});
