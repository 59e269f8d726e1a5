import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig, type Plugin } from 'vite';

/**
 * The shell build. Besides the app it emits stably named entry modules under /shared/ that re-export
 * the very chunks the app uses, so panel modules loaded at run time (through the import map in
 * index.html) share one React, one React Flow and one SDK instance with the shell.
 */
const uiRoot = fileURLToPath(new URL('.', import.meta.url));
const require = createRequire(import.meta.url);

/** Shared entry name → the module it re-exports. CommonJS ones get explicit export lists. */
const SHARED: Record<string, { from: string; cjs: boolean }> = {
  react: { from: 'react', cjs: true },
  'react-jsx-runtime': { from: 'react/jsx-runtime', cjs: true },
  'react-dom': { from: 'react-dom', cjs: true },
  'react-dom-client': { from: 'react-dom/client', cjs: true },
  'xyflow-react': { from: '@xyflow/react', cjs: false },
  'orch-gui-sdk': { from: fileURLToPath(new URL('./src/sdk/index.ts', import.meta.url)), cjs: false },
};
const PREFIX = 'orch-shared:';

function sharedEntries(): Plugin {
  return {
    name: 'orch-shared-entries',
    resolveId(id) {
      return id.startsWith(PREFIX) ? `\0${id}` : null;
    },
    load(id) {
      if (!id.startsWith(`\0${PREFIX}`)) return null;
      const entry = SHARED[id.slice(PREFIX.length + 1)];
      if (!entry) throw new Error(`unknown shared entry ${id}`);
      const spec = JSON.stringify(entry.from);
      if (!entry.cjs) return `export * from ${spec};\n`;
      // `export *` from a CommonJS module yields only `default` under Rolldown: name every export.
      const names = Object.keys(require(entry.from) as object).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
      return `export { ${names.join(', ')} } from ${spec};\nimport * as all from ${spec};\nexport default all;\n`;
    },
  };
}

export default defineConfig({
  root: uiRoot,
  plugins: [react(), tailwindcss(), sharedEntries()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        ...Object.fromEntries(Object.keys(SHARED).map((name) => [`shared/${name}`, `${PREFIX}${name}`])),
      },
      preserveEntrySignatures: 'strict',
      output: {
        entryFileNames: (chunk) => (chunk.name.startsWith('shared/') ? '[name].js' : 'assets/[name]-[hash].js'),
        // Library code goes to content-hashed chunks (cached for good); the stably named /shared/
        // entries only re-export them, so a page load revalidates a few hundred bytes, not React Flow.
        codeSplitting: {
          groups: [{ name: 'xyflow', test: /node_modules[\\/](@xyflow|d3-[a-z]+|zustand|classcat)[\\/]/ }],
        },
      },
    },
  },
});
