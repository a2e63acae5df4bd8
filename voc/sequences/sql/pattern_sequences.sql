{% import '_common.sql' as c with context %}
{# The input of sequential pattern mining (PrefixSpan): one row per journey with its ordered
   steps, cut just before the first outcome step when an outcome is given (so patterns describe
   what happened BEFORE the outcome), and whether the journey reached the outcome.
   Journeys whose first step is the outcome keep an empty sequence (they count in the total).
   Params: source, prepared (source already has the columns of c.ordered()), outcome
   (OutcomeSpec.params() or None: whole journeys, has_outcome = 0).
   Output: journey_id, sequence (array of step names), has_outcome (0/1). #}
WITH
{% if outcome %}
{{ c.flagged(outcome) }}
SELECT journey_id,
       {{ list_compact(ordered_list('CASE WHEN outcome_pos IS NULL OR pos < outcome_pos THEN event END', ['pos'])) }} AS sequence,
       MAX(CASE WHEN outcome_pos IS NOT NULL THEN 1 ELSE 0 END) AS has_outcome
FROM flagged
GROUP BY journey_id
{% else %}
{{ c.ordered() }}
SELECT journey_id, {{ ordered_list('event', ['pos']) }} AS sequence, 0 AS has_outcome
FROM otl
GROUP BY journey_id
{% endif %}
