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
  AND p.proname NOT LIKE 'encrypted\_%'  -- the types' own I/O and coercion functions, below
ORDER BY 1, 2;

-- The transparent types: each with its I/O functions, a type modifier and a comment.
SELECT t.typname, t.typinput::regproc AS input, t.typoutput::regproc AS output,
       t.typreceive::regproc AS receive, t.typsend::regproc AS send,
       t.typmodin::regproc AS typmod_in, t.typstorage AS storage,
       obj_description(t.oid, 'pg_type') IS NOT NULL AS has_comment
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = 'colcrypt' AND t.typtype = 'b' AND t.typcategory <> 'A'
ORDER BY 1;

-- Casts into and out of each type: plaintext types in by assignment, out explicitly.
SELECT c.castsource::regtype AS source, c.casttarget::regtype AS target, c.castcontext AS context, c.castmethod AS method
FROM pg_cast c
WHERE c.castsource IN (SELECT oid FROM pg_type WHERE typnamespace = 'colcrypt'::regnamespace)
   OR c.casttarget IN (SELECT oid FROM pg_type WHERE typnamespace = 'colcrypt'::regnamespace)
ORDER BY 2::text, 1::text;

SELECT pg_get_function_arguments('colcrypt.encrypt(bytea,bytea,text)'::regprocedure) AS encrypt_signature;
SELECT obj_description('colcrypt'::regnamespace, 'pg_namespace') IS NOT NULL AS schema_has_comment;
