-- Repeat-contact rate and first-contact resolution by intent, topic and channel (and overall).
-- Rates are over the contacts where the flag is known (nulls are left out: no customer, or FCR
-- not yet observable); contacts counts every contact of the group.
WITH g AS (
    SELECT 'all' AS dimension, 'all' AS value, is_repeat, same_issue, resolved_first_contact FROM rc
    UNION ALL
    SELECT 'intent', COALESCE(intent, '(none)'), is_repeat, same_issue, resolved_first_contact FROM rc
    UNION ALL
    SELECT 'topic', COALESCE(topic_label, '(none)'), is_repeat, same_issue, resolved_first_contact FROM rc
    UNION ALL
    SELECT 'channel', COALESCE(channel, '(none)'), is_repeat, same_issue, resolved_first_contact FROM rc
)
SELECT dimension, value,
       COUNT(*) AS contacts,
       AVG(CASE WHEN is_repeat THEN 1.0 WHEN NOT is_repeat THEN 0.0 END) AS repeat_rate,
       AVG(CASE WHEN same_issue THEN 1.0 WHEN NOT same_issue THEN 0.0 END) AS same_issue_repeat_rate,
       AVG(CASE WHEN resolved_first_contact THEN 1.0 WHEN NOT resolved_first_contact THEN 0.0 END) AS fcr,
       COUNT(resolved_first_contact) AS fcr_observed
FROM g
GROUP BY dimension, value
ORDER BY CASE dimension WHEN 'all' THEN 0 WHEN 'intent' THEN 1 WHEN 'topic' THEN 2 ELSE 3 END, contacts DESC, value
