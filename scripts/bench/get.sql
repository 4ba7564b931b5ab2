-- The statements of one FilingService.GetMatter by an official, as
-- ipcased issues them, each in its own implicit transaction: loadMatters,
-- then the access-log row every official read writes. A random seeded
-- matter IPCS-n is read; the service's first query finds it by id, this
-- one by number (both unique indexes), which also gives the id.
-- Needs -D nbulk=N (seeded matters IPCS-1..N).
\set k random(1, :nbulk)
SELECT * FROM matters WHERE number = 'IPCS-' || lpad(:k::text, 8, '0') \gset m_
SELECT mp.matter_id, mp.role, p.id, p.kind, p.display_name, p.credit_code, p.domicile_country, p.contact
	FROM matter_parties mp JOIN parties p ON p.id = mp.party_id
	WHERE mp.matter_id IN (:m_id) ORDER BY mp.matter_id, mp.role, mp.position;
SELECT mr.matter_id, r.id, r.type, r.registration_number, r.title, r.holder, r.term_start, r.term_end, r.description
	FROM matter_rights mr JOIN ip_rights r ON r.id = mr.right_id
	WHERE mr.matter_id IN (:m_id) ORDER BY mr.matter_id, mr.position;
SELECT * FROM evidence WHERE matter_id IN (:m_id) ORDER BY matter_id, position;
SELECT * FROM proceedings WHERE matter_id IN (:m_id) ORDER BY matter_id, create_time, id;
INSERT INTO access_log (access_time, subject, role, org, method, matter_id, request_id)
	VALUES (now(), 'pgbench', 'admin', '', '/ipcase.v1.FilingService/GetMatter', :m_id, '') RETURNING id;
