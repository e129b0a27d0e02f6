"""The Vietnamese text engine: normalisation, theme taxonomy and glossary, classifier, tagging,
discovery of uncovered phrases, evaluation, the reply checker and similar cases."""
