# sheets-sync server for Excel (VBA RunServerPython, Office.js) and Google Sheets (Apps Script).
# Stateless: run as many workers/containers as needed behind the ministry's reverse proxy,
# which terminates HTTPS (Office requires it) and forwards X-Forwarded-Proto/Host.
#   docker build -t sheets-sync .
#   docker run -e SHEETS_SYNC_EXCEL_TOKEN=long-random-secret -p 8000:8000 sheets-sync
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    XLWINGS_LICENSE_KEY=noncommercial WEB_CONCURRENCY=4 FORWARDED_ALLOW_IPS=*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY sheets_sync ./sheets_sync
COPY xl_addin ./xl_addin
COPY templates ./templates
RUN pip install . && useradd --system --no-create-home sheets-sync
USER sheets-sync
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["sh", "-c", "exec uvicorn xl_addin.server:app --host 0.0.0.0 --port 8000 --workers ${WEB_CONCURRENCY} --proxy-headers --forwarded-allow-ips \"${FORWARDED_ALLOW_IPS}\" --timeout-keep-alive 30"]
