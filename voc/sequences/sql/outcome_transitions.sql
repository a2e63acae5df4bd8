{% import '_common.sql' as c with context %}
{# Transitions of the journeys cut at their first outcome step, for the absorbing Markov chain
   of voc.sequences.outcome_paths: the first outcome step becomes the absorbing state
   '(outcome)'; journeys that never reach it end in '(end)'. Journeys start in '(start)'.
   Params: source, outcome (OutcomeSpec.params()).
   Output: from_step, to_step, count. #}
WITH {{ c.flagged(outcome) }},
steps AS (
    SELECT journey_id, pos, outcome_pos,
           CASE WHEN pos = outcome_pos THEN '(outcome)' ELSE event END AS step
    FROM flagged
    WHERE outcome_pos IS NULL OR pos <= outcome_pos
),
ordered AS (
    SELECT step, outcome_pos,
           LAG(step) OVER (PARTITION BY journey_id ORDER BY pos) AS prev_step,
           ROW_NUMBER() OVER (PARTITION BY journey_id ORDER BY pos DESC) AS rpos
    FROM steps
),
pairs AS (
    SELECT COALESCE(prev_step, '(start)') AS from_step, step AS to_step FROM ordered
    UNION ALL
    SELECT step AS from_step, '(end)' AS to_step FROM ordered WHERE rpos = 1 AND outcome_pos IS NULL
)
SELECT from_step, to_step, COUNT(*) AS count
FROM pairs
GROUP BY from_step, to_step
ORDER BY from_step, to_step
