import react from '@vitejs/plugin-react';
import type { IncomingMessage } from 'node:http';
import { defineConfig } from 'vite';

/**
 * The console and the five APIs on one origin: `/api/<service>/…` is proxied to the service. Targets come
 * from CONSOLE_API_<SERVICE> (e.g. CONSOLE_API_OPPORTUNITY=http://127.0.0.1:3001), else `npm start`'s
 * ports shifted by DEV_STACK_PORT_OFFSET.
 */
/** What every answer of the console's origin carries (nginx sends the same in the image). */
const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // Vite's dev client runs inline scripts and a websocket; frame-ancestors is what matters here.
  'Content-Security-Policy': "frame-ancestors 'none'",
};

const offset = Number(process.env['DEV_STACK_PORT_OFFSET'] ?? 0);
const services = {
  opportunity: 3001,
  'offer-ingest': 3002,
  entitlement: 3003,
  metering: 3004,
  webhooks: 3005,
  finance: 3006,
};
const proxy = Object.fromEntries(
  Object.entries(services).map(([name, port]) => {
    const env = `CONSOLE_API_${name.replace('-', '_').toUpperCase()}`;
    return [
      `/api/${name}/`,
      {
        target: process.env[env] ?? `http://127.0.0.1:${port + offset}`,
        // X-Forwarded-For: the services limit key-less requests per real client (they trust loopback).
        xfwd: true,
        // The origin's security headers on the APIs' answers too.
        configure: (server: { on(event: 'proxyRes', listener: (response: IncomingMessage) => void): void }) =>
          server.on('proxyRes', (response) => {
            for (const [name, value] of Object.entries(SECURITY_HEADERS))
              response.headers[name.toLowerCase()] = value;
          }),
        // The services' metrics and API documentation stay on the services (404 here, as in nginx).
        bypass: (request: { url?: string }) =>
          /^\/api\/[^/]+\/(metrics|docs)([/?-]|$)/.test(request.url ?? '') ? false : undefined,
        rewrite: (path: string) => path.slice(`/api/${name}`.length),
      },
    ];
  }),
);

export default defineConfig({
  root: __dirname,
  plugins: [react()],
  // The browser-safe part of the contracts (types and pure rules the API runs too), from the source.
  resolve: {
    alias: { '@cppo/contracts/browser': `${__dirname}/../../libs/contracts/src/browser.ts` },
  },
  server: {
    host: '127.0.0.1',
    strictPort: true,
    proxy,
    // Serve the console and what its bundle imports, nothing else of the repository (its .data folder holds
    // a live API key and the database): no /@fs/ path reaches beyond these, dot-folders never.
    fs: {
      strict: true,
      allow: [__dirname, `${__dirname}/../../libs/contracts/src`, `${__dirname}/../../node_modules`],
      deny: ['.env', '.env.*', '*.{crt,pem,key}', '**/.*/**'],
    },
    // Same origin only: no other local site may read the APIs through this server.
    cors: false,
    headers: SECURITY_HEADERS,
  },
  preview: { host: '127.0.0.1', strictPort: true, proxy, headers: SECURITY_HEADERS },
  build: { outDir: '../../dist/apps/console', emptyOutDir: true, target: 'es2022' },
});
