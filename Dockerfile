# keystone-ts: multi-stage build, runs as a non-root user.
# Config at /etc/keystone/keystone.conf; mount the key repositories (e.g. /etc/keystone/fernet-keys) as volumes.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
RUN groupadd --system keystone && useradd --system --gid keystone --home-dir /app --shell /usr/sbin/nologin keystone \
 && mkdir -p /etc/keystone && chown keystone:keystone /etc/keystone
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY policies ./policies
COPY drizzle ./drizzle
USER keystone
VOLUME ["/etc/keystone/fernet-keys", "/etc/keystone/credential-keys"]
EXPOSE 5000
ENTRYPOINT ["node", "bin/keystone-ts.js"]
CMD ["serve", "--config-file", "/etc/keystone/keystone.conf", "--bind", "0.0.0.0:5000"]
