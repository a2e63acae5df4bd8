"""What will happen next in a journey, which archetype it belongs to and how unusual it is.

Built on the journey tables of `voc journeys` (timeline, journeys, repeat_contacts, friction):
``predict.run.predict_outcomes`` (outcome models on journey prefixes, time-ordered evaluation),
``segments.segment_journeys`` (archetypes with profiles and stability) and
``anomaly.unusual_journeys`` (how unlikely each journey's path and timing are);
``analytics.journey_analytics`` runs all three for ``voc.journey.run``. See docs/prediction.md."""
