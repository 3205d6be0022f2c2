-- What CREATE EXTENSION colcrypt puts in front of users: functions, volatility, parallel
-- safety, strictness and documentation.
SELECT p.proname,
       pg_get_function_identity_arguments(p.oid) AS args,
       p.provolatile AS volatility,
       p.proparallel AS parallel,
       p.proisstrict AS strict,
       obj_description(p.oid, 'pg_proc') IS NOT NULL AS has_comment
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'colcrypt'
ORDER BY 1, 2;

SELECT pg_get_function_arguments('colcrypt.encrypt(bytea,bytea,text)'::regprocedure) AS encrypt_signature;
SELECT obj_description('colcrypt'::regnamespace, 'pg_namespace') IS NOT NULL AS schema_has_comment;
