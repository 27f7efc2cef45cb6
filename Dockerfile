# One image per service: docker build --build-arg APP=opportunity -t cppo-hub/opportunity .
# APP is one of opportunity, offer-ingest, entitlement, metering, webhooks, finance, marketplace-sim. The console: --target console.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /repo
COPY package.json package-lock.json ./
# --ignore-scripts: the `node` npm package (Node 22 for dev machines) is not needed on a node:22 image.
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM deps AS build
ARG APP
COPY . .
RUN test -n "${APP}" && node tools/build/build-app.js "${APP}"

# The console (apps/console): docker build --target console -t <registry>/cppo-hub-console .
# nginx (unprivileged: uid 101, port 8080) serves the static bundle and proxies /api/<service>/ to the services
# named by OPPORTUNITY_URL, OFFER_INGEST_URL, ENTITLEMENT_URL, METERING_URL, WEBHOOKS_URL and FINANCE_URL (the defaults
# fit compose).
FROM deps AS console-build
COPY . .
RUN node node_modules/vite/bin/vite.js build --config apps/console/vite.config.mts

FROM nginxinc/nginx-unprivileged:1.27-alpine AS console
ENV CONSOLE_PORT=8080 CONSOLE_ROOT=/usr/share/nginx/html \
    OPPORTUNITY_URL=http://opportunity:3001 OFFER_INGEST_URL=http://offer-ingest:3002 \
    ENTITLEMENT_URL=http://entitlement:3003 METERING_URL=http://metering:3004 \
    WEBHOOKS_URL=http://webhooks:3005 \
    FINANCE_URL=http://finance:3006
COPY apps/console/nginx/default.conf.template /etc/nginx/templates/default.conf.template
COPY --from=console-build /repo/dist/apps/console /usr/share/nginx/html
EXPOSE 8080

# Only what this service imports: build-app.js wrote its package.json (the packages its code reaches, at the
# root's versions); the root lockfile pins those packages and their dependencies to the tested versions.
FROM ${NODE_IMAGE} AS runtime-deps
ARG APP
WORKDIR /app
COPY --from=build /repo/dist/apps/${APP}/package.json ./package.json
COPY package-lock.json ./
RUN npm install --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ARG APP
# HOST: services listen on loopback by default (npm start); in a container they answer the network.
ENV NODE_ENV=production APP=${APP} TZ=UTC HOST=0.0.0.0
WORKDIR /app
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY --from=build /repo/dist/apps/${APP} ./
USER node
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch(process.env.HEALTHCHECK_URL||('http://127.0.0.1:'+process.env.PORT+'/health/ready')).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node is PID 1 (no shell in between), so SIGTERM reaches it and shutdown is graceful.
CMD ["node", "--enable-source-maps", "main.js"]
