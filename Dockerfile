# The reimage worker. Workflow code is bundled at start by the Temporal SDK (webpack + swc).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY tsconfig.json ./
USER node
EXPOSE 9464
CMD ["node", "bin/reimage.js", "worker"]
