-- The statements of one FilingService.SubmitComplaint, in its transaction,
-- as ipcased issues them (captured with log_statement=all): a complaint of
-- a rights holder of the seeded pool (Zipf, as ipcase-bench load -method
-- submit files them) against one new organisation, over one new registered
-- trademark, with one piece of evidence, with a request_id. Ids that the
-- service makes in Go (uuids, hashes, the checkpoint signature, the stored
-- response) are made here from random numbers by md5, which costs about
-- what making them in Go does. Needs -D year=YYYY (the year in China) and
-- helpers.sql.
\set h random_zipfian(1, 5000, 1.2) - 1
\set r random(1, 9000000000000000000)
\set rn :r % 100000000
\set rid random(1, 9000000000000000000)
-- store.Idempotent looks the request_id up before the transaction.
SELECT * FROM idempotency_keys WHERE key = 'ipcase.v1.FilingService/SubmitComplaint/admin' || ':' || 'pgbench/' || :rid::text LIMIT 1;
BEGIN;
-- upsertParty(complainant): the holder exists, so the insert does nothing
-- and the id is read.
INSERT INTO parties (id, kind, display_name, credit_code, domicile_country, contact)
	VALUES (md5('c' || :rid::text)::uuid, 'ORGANIZATION', '品牌权利人' || lpad(:h::text, 4, '0') || '有限公司', bench_credit_code('91', :h), 'CN', 'legal@holder.example.cn')
	ON CONFLICT (credit_code) WHERE credit_code IS NOT NULL DO NOTHING RETURNING id;
SELECT id AS complainant FROM parties WHERE credit_code = bench_credit_code('91', :h) \gset
-- upsertParty(respondents[0]): a new organisation.
INSERT INTO parties (id, kind, display_name, credit_code, domicile_country, contact)
	VALUES (md5('p' || :rid::text)::uuid, 'ORGANIZATION', '涉嫌侵权经营者' || lpad(:rn::text, 8, '0'), bench_credit_code('95', :r), 'CN', '浙江省杭州市某区某路1号')
	ON CONFLICT (credit_code) WHERE credit_code IS NOT NULL DO NOTHING RETURNING id AS respondent \gset
-- upsertRight(rights[0]): a new registered trademark.
INSERT INTO ip_rights (id, type, registration_number, title, holder, term_start, term_end, description)
	VALUES (md5('r' || :rid::text)::uuid, 'TRADEMARK', 'TMP' || :rid::text, '商标 (第25类)', '品牌权利人' || lpad(:h::text, 4, '0') || '有限公司', '2016-03-14', '2036-03-13', '')
	ON CONFLICT (type, registration_number) WHERE registration_number IS NOT NULL DO NOTHING RETURNING id AS right_id \gset
-- possibleDuplicates
SELECT DISTINCT m.id, m.number FROM matters m
	JOIN matter_rights mr ON mr.matter_id = m.id
	JOIN matter_parties mp ON mp.matter_id = m.id AND mp.role = 'RESPONDENT'
	WHERE mr.right_id IN (:right_id) AND mp.party_id IN (:respondent) AND m.state IN ('SUBMITTED', 'ACCEPTED')
	ORDER BY m.number LIMIT 10;
SELECT next_matter_number(:year::int) AS seq \gset
INSERT INTO matters (id, number, state, complainant_id, facts, claims, known_since, agency, warnings, version, create_time, update_time)
	VALUES (md5('m' || :rid::text)::uuid, 'IPC-' || :year::text || '-' || lpad(:seq::text, 6, '0'), 'SUBMITTED', :complainant,
	'投诉人系TRADEMARK权利人。经调查，被投诉人在其经营的网店及线下门店中销售带有与投诉人TRADEMARK相同或近似标识的商品，共发现涉嫌侵权商品2009件，销售金额约人民币1846234元。投诉人已于2020年对上述商品进行公证购买，取得公证书及实物样品。被投诉人的行为容易导致相关公众混淆，严重损害了投诉人的合法权益，请求依法查处，责令停止侵权，没收侵权商品并处以罚款。',
	'请求责令被投诉人立即停止侵权行为，没收、销毁侵权商品及专门用于制造侵权商品的工具，并依法处以罚款。',
	'2025-04-24', 'SAMR-HZ', '[]', 1, now(), now());
INSERT INTO matter_parties (matter_id, role, position, party_id)
	VALUES (md5('m' || :rid::text)::uuid, 'COMPLAINANT', 0, :complainant), (md5('m' || :rid::text)::uuid, 'RESPONDENT', 0, :respondent);
INSERT INTO matter_rights (matter_id, position, right_id) VALUES (md5('m' || :rid::text)::uuid, 0, :right_id);
INSERT INTO evidence (id, matter_id, position, sha256, size_bytes, media_type, source, description, create_time)
	VALUES (md5('e' || :rid::text)::uuid, md5('m' || :rid::text)::uuid, 0, md5('s' || :rid::text) || md5('t' || :rid::text), 3021742, 'application/pdf', 'NOTARISED', '公证购买公证书', now());
-- saveProceedings: the filing review.
INSERT INTO proceedings (id, matter_id, kind, state, number, forum, reason, create_time, update_time)
	VALUES (md5('f' || :rid::text)::uuid, md5('m' || :rid::text)::uuid, 'FILING_REVIEW', 'SUBMITTED', '', 'SAMR-HZ', '', now(), now())
	ON CONFLICT (id) DO UPDATE SET state = excluded.state, number = excluded.number, forum = excluded.forum, reason = excluded.reason, update_time = excluded.update_time;
-- events.Append: lock the head, append, move the head.
SELECT * FROM event_heads WHERE matter_id = md5('m' || :rid::text)::uuid LIMIT 1 FOR UPDATE;
INSERT INTO events (matter_id, seq, type, proceeding_id, actor_subject, actor_role, actor_org, occur_time, payload, prev_hash, hash)
	VALUES (md5('m' || :rid::text)::uuid, 1, 'complaint.submitted', md5('f' || :rid::text)::uuid, 'pgbench', 'admin', '', now(),
	'{"agency":"SAMR-HZ","evidence": 1,"number":"IPC-2026-000745","respondents": 1,"rights": 1,"warnings":[]}', NULL, decode(md5('h' || :rid::text) || md5('i' || :rid::text), 'hex'))
	RETURNING id;
INSERT INTO event_heads (matter_id, seq, hash, key_id, signature)
	VALUES (md5('m' || :rid::text)::uuid, 1, decode(md5('h' || :rid::text) || md5('i' || :rid::text), 'hex'), 'checkpoint-1', decode(repeat(md5('g' || :rid::text), 4), 'hex'))
	ON CONFLICT (matter_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, key_id = excluded.key_id, signature = excluded.signature;
-- loadMatters: the response is rendered from the stored matter.
SELECT * FROM matters WHERE id IN (md5('m' || :rid::text)::uuid);
SELECT mp.matter_id, mp.role, p.id, p.kind, p.display_name, p.credit_code, p.domicile_country, p.contact
	FROM matter_parties mp JOIN parties p ON p.id = mp.party_id
	WHERE mp.matter_id IN (md5('m' || :rid::text)::uuid) ORDER BY mp.matter_id, mp.role, mp.position;
SELECT mr.matter_id, r.id, r.type, r.registration_number, r.title, r.holder, r.term_start, r.term_end, r.description
	FROM matter_rights mr JOIN ip_rights r ON r.id = mr.right_id
	WHERE mr.matter_id IN (md5('m' || :rid::text)::uuid) ORDER BY mr.matter_id, mr.position;
SELECT * FROM evidence WHERE matter_id IN (md5('m' || :rid::text)::uuid) ORDER BY matter_id, position;
SELECT * FROM proceedings WHERE matter_id IN (md5('m' || :rid::text)::uuid) ORDER BY matter_id, create_time, id;
-- The response (about 1.6 kB) is kept for retries.
INSERT INTO idempotency_keys (key, request_hash, response)
	VALUES ('ipcase.v1.FilingService/SubmitComplaint/admin' || ':' || 'pgbench/' || :rid::text, decode(md5('q' || :rid::text) || md5('k' || :rid::text), 'hex'), decode(repeat(md5('x' || :rid::text), 100), 'hex'));
COMMIT;
