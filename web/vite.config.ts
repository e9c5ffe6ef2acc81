// Built by `make build` into web/dist, which `huikuan serve` hosts at `/`. `npm run dev` serves
// the app with hot reload and sends /api to $HUIKUAN_API (default http://127.0.0.1:8080, `make run`).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: { proxy: { '/api': process.env.HUIKUAN_API ?? 'http://127.0.0.1:8080' } },
});
