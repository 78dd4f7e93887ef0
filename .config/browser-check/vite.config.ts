import fs from 'fs';
import path from 'path';
import { defineConfig, Plugin } from 'vite';

const OUT_DIR = path.join(__dirname, 'dist');

/** Puts @grafana/ui's icons where its Icon component fetches them in Grafana: public/build/img. */
function grafanaIcons(): Plugin {
  return {
    name: 'grafana-icons',
    apply: 'build',
    closeBundle() {
      const icons = path.join(path.dirname(require.resolve('@grafana/ui/package.json')), 'dist', 'public', 'img');
      fs.cpSync(icons, path.join(OUT_DIR, 'public', 'build', 'img'), { recursive: true });
    },
  };
}

/** Builds the harness page; the build lands in ./dist (ignored by git). */
export default defineConfig({
  root: __dirname,
  base: './',
  logLevel: 'warn',
  plugins: [grafanaIcons()],
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    chunkSizeWarningLimit: 20_000,
    rollupOptions: {
      // Dependencies' "use client" lines and misplaced /*#__PURE__*/ notes are harmless here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE' && warning.code !== 'INVALID_ANNOTATION') {
          warn(warning);
        }
      },
    },
  },
});
