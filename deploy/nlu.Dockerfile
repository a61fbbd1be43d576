# The NLU server: the official Rasa 3.6 image with the model trained at build time from
# training data normalised exactly as the application normalises messages.
FROM python:3.11-slim AS prepare
WORKDIR /srv/dalil
COPY pyproject.toml README.md ./
COPY core core
COPY nlu nlu
RUN pip install --no-cache-dir pyyaml pydantic-settings httpx \
 && PYTHONPATH=. python -m nlu.prepare /srv/nlu-data

FROM rasa/rasa:3.6.21 AS nlu
COPY nlu/rasa/config.yml nlu/rasa/domain.yml /app/
# Dalil's own components, which config.yml names: importable when training and when serving.
COPY nlu/rasa/components /app/components
ENV PYTHONPATH=/app/components
COPY --from=prepare /srv/nlu-data /app/data
# `rasa train nlu` as nlu/training.py runs it (nlu/rasa/components/dalil_fast_training.py).
RUN python -m dalil_fast_training train nlu --config /app/config.yml --domain /app/domain.yml \
      --nlu /app/data --out /app/models --fixed-model-name dalil
EXPOSE 5005
# `rasa` as nlu/training.py serves it: through dalil_rasa, without JAX in memory and with
# DIET's models loaded for prediction only.
ENTRYPOINT ["python", "-m", "dalil_rasa"]
CMD ["run", "--enable-api", "--model", "/app/models/dalil.tar.gz", "--port", "5005"]
