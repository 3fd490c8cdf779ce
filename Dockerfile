# The reimage worker. Workflow code is bundled once at build time (webpack + swc): the worker starts faster
# and with less memory, and every container of one image runs exactly the same workflow code.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY tsconfig.json ./
COPY scripts/bundle-workflows.ts ./scripts/
RUN node_modules/.bin/tsx scripts/bundle-workflows.ts /app/workflow-bundle.js
ENV REIMAGE_WORKFLOW_BUNDLE=/app/workflow-bundle.js
# V8 grows its heap lazily: this cap keeps the worker's memory under a 10,000-server campaign far below what
# the default limit reaches, for a little more CPU spent in GC (BENCHMARKS.md, B4).
ENV NODE_OPTIONS=--max-old-space-size=256
USER node
EXPOSE 9464
CMD ["node", "bin/reimage.js", "worker"]
