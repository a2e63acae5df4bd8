{% import '_common.sql' as c with context %}
{# What the journeys themselves show beside the Markov chain of voc.sequences.outcome_paths: for
   each step, the journeys that pass through it before the outcome (journeys cut at their first
   outcome step, as in outcome_transitions) and how many of them reach the outcome. '(start)':
   every journey.
   Params: source, prepared (source already has the columns of c.ordered()), outcome
   (OutcomeSpec.params()).
   Output: step, journeys, reached. #}
WITH {{ c.flagged(outcome) }},
through AS (
    SELECT DISTINCT journey_id, CAST(event AS STRING) AS step,
           CASE WHEN outcome_pos IS NOT NULL THEN 1 ELSE 0 END AS reached
    FROM flagged
    WHERE outcome_pos IS NULL OR pos < outcome_pos
),
starts AS (
    SELECT journey_id, MAX(CASE WHEN outcome_pos IS NOT NULL THEN 1 ELSE 0 END) AS reached
    FROM flagged GROUP BY journey_id
)
SELECT step, COUNT(*) AS journeys, SUM(reached) AS reached FROM through GROUP BY step
UNION ALL
SELECT '(start)' AS step, COUNT(*) AS journeys, SUM(reached) AS reached FROM starts
ORDER BY step
