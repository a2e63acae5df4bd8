{% import '_common.sql' as c with context %}
{# Transitions of the journeys cut at their first outcome step, for the absorbing Markov chain
   of voc.sequences.outcome_paths: the first outcome step becomes the absorbing state
   '(outcome)'; journeys that never reach it end in '(end)'. Journeys start in '(start)'.
   Params: source, prepared (source already has the columns of c.ordered()), outcome
   (OutcomeSpec.params()).
   Output: from_step, to_step, count.
   Cutting after the first outcome step removes only later steps, so the step before any kept
   step is its prev_event (never the outcome itself): no window over the cut journeys. #}
WITH {{ c.flagged(outcome) }},
triples AS (
    SELECT prev_event,
           CASE WHEN pos = outcome_pos THEN '(outcome)' ELSE CAST(event AS STRING) END AS step,
           CASE WHEN is_last = 1 AND outcome_pos IS NULL THEN 1 ELSE 0 END AS ends,
           COUNT(*) AS n
    FROM flagged
    WHERE outcome_pos IS NULL OR pos <= outcome_pos
    GROUP BY prev_event, CASE WHEN pos = outcome_pos THEN '(outcome)' ELSE CAST(event AS STRING) END,
             CASE WHEN is_last = 1 AND outcome_pos IS NULL THEN 1 ELSE 0 END
),
pairs AS (
    SELECT COALESCE(CAST(prev_event AS STRING), '(start)') AS from_step, step AS to_step, n FROM triples
    UNION ALL
    SELECT step AS from_step, '(end)' AS to_step, n FROM triples WHERE ends = 1
)
SELECT from_step, to_step, SUM(n) AS count
FROM pairs
GROUP BY from_step, to_step
ORDER BY from_step, to_step
