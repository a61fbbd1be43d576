# The Dalil application (Python 3.11): `dalil run`, every role unless --roles names some.
FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /srv/dalil
COPY pyproject.toml README.md babel.cfg ./
COPY core core
COPY dalil dalil
COPY bot bot
COPY nlu nlu
COPY services_directory services_directory
COPY admin_api admin_api
RUN pip install --no-cache-dir . \
 && pybabel compile -d bot/locales \
 && useradd --system --home /srv/dalil dalil
USER dalil
EXPOSE 8000
CMD ["dalil", "run", "--host", "0.0.0.0", "--port", "8000", "--no-rasa"]
