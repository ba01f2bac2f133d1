# nginx with the production configuration from nginx/.
FROM nginx:1.27
COPY nginx/nginx.conf /etc/nginx/nginx.conf
COPY nginx/api-server.conf /etc/nginx/api-server.conf
