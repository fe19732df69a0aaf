"""extract stage: event mentions with evidence from parsed articles.

``extract_events(doc)`` returns the EventMentions of one ParsedArticle; ``is_candidate_sentence(text)``
tells the parser which sentences need the full pipeline.
"""

from conflictlog.extract.events import extract_events, is_candidate_sentence

__all__ = ["extract_events", "is_candidate_sentence"]
