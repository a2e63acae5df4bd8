-- Friction score per journey, 0..100: a noisy-OR over friction kinds of weight x max severity,
--   score = 100 * (1 - PRODUCT over kinds (1 - weight_k * max_severity_k))
-- Each kind counts once (its worst instance), so twenty loops do not outweigh one escalation;
-- one kind alone scores at most 100 * its weight; independent kinds add up towards 100.
WITH k AS (
    SELECT journey_id, kind, MAX(severity) AS sev, COUNT(*) AS n
    FROM fr
    GROUP BY journey_id, kind
)
SELECT k.journey_id,
       100.0 * (1.0 - EXP(SUM(LN(1.0 - LEAST(0.999999, GREATEST(0.0, k.sev * w.weight)))))) AS friction_score,
       SUM(k.n) AS n_frictions,
       CONCAT_WS(',',
           MAX(CASE WHEN k.kind = 'escalation' THEN 'escalation' END),
           MAX(CASE WHEN k.kind = 'loop' THEN 'loop' END),
           MAX(CASE WHEN k.kind = 'error_before_contact' THEN 'error_before_contact' END),
           MAX(CASE WHEN k.kind = 'long_wait' THEN 'long_wait' END),
           MAX(CASE WHEN k.kind = 'negative_end' THEN 'negative_end' END),
           MAX(CASE WHEN k.kind = 'abandonment_after_contact' THEN 'abandonment_after_contact' END),
           MAX(CASE WHEN k.kind = 'handoff_pingpong' THEN 'handoff_pingpong' END)) AS friction_kinds
FROM k
JOIN weights w ON w.kind = k.kind
GROUP BY k.journey_id
