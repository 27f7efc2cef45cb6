# One image per service: docker build --build-arg APP=opportunity -t cppo-hub/opportunity .
# APP is one of opportunity, offer-ingest, entitlement, metering, marketplace-sim.
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
