-- The statements of one FilingService.AcceptComplaint, in its transaction,
-- as ipcased issues them: route a SUBMITTED matter of the seeded accept
-- queue to enforcement before its agency, with a request_id. Each client
-- takes queue matters IPCQ-n in turn (n = qfirst + client_id + clients * i),
-- so no matter is accepted twice; the service's lock by id is a lock by
-- number here (both unique indexes), which also finds the id. Needs
-- -D i=0 -D qfirst=N -D qn=N -D clients=C.
\set i :i + 1
\set k :qfirst + (:client_id + :clients * (:i - 1)) % :qn
\set rid random(1, 9000000000000000000)
SELECT * FROM idempotency_keys WHERE key = 'ipcase.v1.FilingService/AcceptComplaint/admin' || ':' || 'pgbench/' || :rid::text LIMIT 1;
BEGIN;
SELECT id AS matter FROM matters WHERE number = 'IPCQ-' || lpad(:k::text, 8, '0') FOR UPDATE \gset
-- loadMatters
SELECT * FROM matters WHERE id IN (:matter) \gset m_
SELECT mp.matter_id, mp.role, p.id, p.kind, p.display_name, p.credit_code, p.domicile_country, p.contact
	FROM matter_parties mp JOIN parties p ON p.id = mp.party_id
	WHERE mp.matter_id IN (:matter) ORDER BY mp.matter_id, mp.role, mp.position;
SELECT mr.matter_id, r.id, r.type, r.registration_number, r.title, r.holder, r.term_start, r.term_end, r.description
	FROM matter_rights mr JOIN ip_rights r ON r.id = mr.right_id
	WHERE mr.matter_id IN (:matter) ORDER BY mr.matter_id, mr.position;
SELECT * FROM evidence WHERE matter_id IN (:matter) ORDER BY matter_id, position;
SELECT * FROM proceedings WHERE matter_id IN (:matter) ORDER BY matter_id, create_time, id \gset review_
UPDATE matters SET state = 'ACCEPTED', update_time = now(), version = 2 WHERE id = :matter;
-- saveProceedings: the review (accepted) and the enforcement it opens.
INSERT INTO proceedings (id, matter_id, kind, state, number, forum, reason, create_time, update_time)
	VALUES (:review_id, :matter, 'FILING_REVIEW', 'ACCEPTED', '', :m_agency, '', :review_create_time, now()),
	(md5('p' || :rid::text)::uuid, :matter, 'ENFORCEMENT', 'OPENED', '', :m_agency, '', now(), now())
	ON CONFLICT (id) DO UPDATE SET state = excluded.state, number = excluded.number, forum = excluded.forum, reason = excluded.reason, update_time = excluded.update_time;
-- events.Append
SELECT * FROM event_heads WHERE matter_id = :matter LIMIT 1 FOR UPDATE \gset head_
\set s1 :head_seq + 1
\set s2 :head_seq + 2
INSERT INTO events (matter_id, seq, type, proceeding_id, actor_subject, actor_role, actor_org, occur_time, payload, prev_hash, hash)
	VALUES (:matter, :s1, 'complaint.accepted', :review_id, 'pgbench', 'admin', '', now(),
	'{"forum":"SAMR-HZ","note":"证据充分，移送执法处理。","route":"ENFORCEMENT"}', :head_hash, decode(md5('h' || :rid::text) || md5('i' || :rid::text), 'hex')),
	(:matter, :s2, 'proceeding.opened', md5('p' || :rid::text)::uuid, 'pgbench', 'admin', '', now(),
	'{"forum":"SAMR-HZ","kind":"ENFORCEMENT","state":"OPENED"}', decode(md5('h' || :rid::text) || md5('i' || :rid::text), 'hex'), decode(md5('j' || :rid::text) || md5('l' || :rid::text), 'hex'))
	RETURNING id;
INSERT INTO event_heads (matter_id, seq, hash, key_id, signature)
	VALUES (:matter, :s2, decode(md5('j' || :rid::text) || md5('l' || :rid::text), 'hex'), 'checkpoint-1', decode(repeat(md5('g' || :rid::text), 4), 'hex'))
	ON CONFLICT (matter_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, key_id = excluded.key_id, signature = excluded.signature;
INSERT INTO idempotency_keys (key, request_hash, response)
	VALUES ('ipcase.v1.FilingService/AcceptComplaint/admin' || ':' || 'pgbench/' || :rid::text, decode(md5('q' || :rid::text) || md5('k' || :rid::text), 'hex'), decode(repeat(md5('x' || :rid::text), 110), 'hex'));
COMMIT;
