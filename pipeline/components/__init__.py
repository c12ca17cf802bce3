"""biotab's spaCy components, one per module, each registered as `biotab_<noun>`.

Importing this package registers every factory (also exposed through the `spacy_factories`
entry point so `nlp.add_pipe("biotab_outcomes")` works after `pip install biotab`).
"""
