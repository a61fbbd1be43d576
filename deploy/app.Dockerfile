# The Dalil application (Python 3.11): `dalil run`, every role unless --roles names some.
FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /srv/dalil
COPY pyproject.toml README.md constraints.txt ./
COPY core core
COPY dalil dalil
COPY bot bot
COPY nlu nlu
COPY services_directory services_directory
COPY admin_api admin_api
COPY handoff handoff
# The catalogs are compiled before the install, so that the installed package carries the .mo
# files of both domains (the bot's and the portal's); the versions are the lock's.
RUN pip install --no-cache-dir -c constraints.txt babel \
 && pybabel compile -D "messages portal" -d bot/locales \
 && pip install --no-cache-dir -c constraints.txt . \
 && useradd --system --home /srv/dalil dalil
USER dalil
EXPOSE 8000
CMD ["dalil", "run", "--host", "0.0.0.0", "--port", "8000", "--no-rasa"]
