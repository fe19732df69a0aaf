"""nlp stage: sentences, entities and dependency parses (``Parser.load().parse(article)``)."""

from conflictlog.nlp.parse import DEFAULT_MODEL, Parser

__all__ = ["DEFAULT_MODEL", "Parser"]
