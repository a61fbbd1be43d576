"""Understanding what people write: the Rasa project, its client, language identification."""
