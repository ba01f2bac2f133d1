# nginx with the production configuration from nginx/, as an unprivileged user
# (the official nginx-unprivileged image: uid 101, listens on 8080).
FROM nginxinc/nginx-unprivileged:1.27
COPY nginx/nginx.conf /etc/nginx/nginx.conf
COPY nginx/api-server.conf /etc/nginx/api-server.conf
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/health || exit 1
