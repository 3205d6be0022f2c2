-- One line per property of every object colcrypt owns, with no OIDs, so that two installs compare
-- with diff. pg_dump -s prints only "CREATE EXTENSION" for extension members, hence this.
SET search_path = pg_catalog, pg_temp;  -- regproc and regtype print qualified names
WITH ext AS (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'colcrypt'),
mem AS (
  SELECT d.classid, d.objid FROM pg_catalog.pg_depend d, ext
  WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
),
id AS (
  SELECT m.classid, m.objid, i.type, i.identity
  FROM mem m, LATERAL pg_catalog.pg_identify_object(m.classid, m.objid, 0) i
)
SELECT line FROM (
  SELECT 'member ' || type || ' ' || identity AS line FROM id
  UNION ALL
  SELECT 'comment ' || type || ' ' || identity || ': ' || d.description
  FROM id JOIN pg_catalog.pg_description d ON d.classoid = id.classid AND d.objoid = id.objid AND d.objsubid = 0
  UNION ALL
  SELECT 'function ' || id.identity || E':\n' || pg_catalog.pg_get_functiondef(p.oid)
         || E'\n  acl ' || coalesce(p.proacl::text, 'default')
  FROM id JOIN pg_catalog.pg_proc p ON id.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND p.oid = id.objid
  WHERE p.prokind <> 'a'
  UNION ALL
  SELECT 'aggregate ' || id.identity || ' ' || a.aggtransfn::text || ' ' || a.aggfinalfn::text || ' ' || a.aggtranstype::pg_catalog.regtype::text
  FROM id JOIN pg_catalog.pg_aggregate a ON id.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND a.aggfnoid = id.objid
  UNION ALL
  SELECT 'type ' || id.identity || concat_ws(' ', '', t.typlen, t.typbyval, t.typtype, t.typcategory, t.typispreferred,
         t.typinput, t.typoutput, t.typreceive, t.typsend, t.typmodin, t.typmodout, t.typanalyze,
         t.typalign, t.typstorage, t.typnotnull, t.typbasetype::pg_catalog.regtype, t.typtypmod,
         t.typelem::pg_catalog.regtype, t.typsubscript, t.typdefault, coalesce(t.typacl::text, 'default'))
  FROM id JOIN pg_catalog.pg_type t ON id.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND t.oid = id.objid
  UNION ALL
  SELECT 'cast ' || id.identity || ' ' || coalesce(c.castfunc::pg_catalog.regprocedure::text, '-') || ' ' || c.castcontext::text || ' ' || c.castmethod::text
  FROM id JOIN pg_catalog.pg_cast c ON id.classid = 'pg_catalog.pg_cast'::pg_catalog.regclass AND c.oid = id.objid
  UNION ALL
  SELECT 'operator ' || id.identity || concat_ws(' ', '', o.oprresult::pg_catalog.regtype, o.oprcode,
         o.oprcom::pg_catalog.regoperator, o.oprnegate::pg_catalog.regoperator, o.oprrest, o.oprjoin, o.oprcanmerge, o.oprcanhash)
  FROM id JOIN pg_catalog.pg_operator o ON id.classid = 'pg_catalog.pg_operator'::pg_catalog.regclass AND o.oid = id.objid
  UNION ALL
  SELECT 'opclass ' || id.identity || ' family ' || pg_catalog.quote_ident(fn.nspname) || '.' || pg_catalog.quote_ident(f.opfname)
         || ' default ' || c.opcdefault || ' keytype ' || c.opckeytype::pg_catalog.regtype
  FROM id JOIN pg_catalog.pg_opclass c ON id.classid = 'pg_catalog.pg_opclass'::pg_catalog.regclass AND c.oid = id.objid
  JOIN pg_catalog.pg_opfamily f ON f.oid = c.opcfamily JOIN pg_catalog.pg_namespace fn ON fn.oid = f.opfnamespace
  UNION ALL
  SELECT 'opfamily ' || id.identity || ' op ' || ao.amopstrategy || ' ' || ao.amopopr::pg_catalog.regoperator || ' '
         || ao.amoppurpose::text || ' ' || coalesce(ao.amopsortfamily::text, '-')
  FROM id JOIN pg_catalog.pg_amop ao ON id.classid = 'pg_catalog.pg_opfamily'::pg_catalog.regclass AND ao.amopfamily = id.objid
  UNION ALL
  SELECT 'opfamily ' || id.identity || ' proc ' || ap.amprocnum || ' (' || ap.amproclefttype::pg_catalog.regtype || ','
         || ap.amprocrighttype::pg_catalog.regtype || ') ' || ap.amproc::pg_catalog.regprocedure
  FROM id JOIN pg_catalog.pg_amproc ap ON id.classid = 'pg_catalog.pg_opfamily'::pg_catalog.regclass AND ap.amprocfamily = id.objid
  UNION ALL
  -- Columns by name, not position: an upgrade appends columns that a fresh install may declare
  -- earlier, and pg_dump names the columns of the config tables it copies.
  SELECT 'relation ' || id.identity || ' column ' || a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
         || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
         || coalesce(' default ' || pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), '')
         || coalesce(' identity ' || nullif(a.attidentity::text, ''), '') || coalesce(' acl ' || a.attacl::text, '')
  FROM id JOIN pg_catalog.pg_attribute a ON id.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND a.attrelid = id.objid
  LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  WHERE a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'relation ' || id.identity || concat_ws(' ', '', 'kind', c.relkind, 'rls', c.relrowsecurity, c.relforcerowsecurity,
         'acl', coalesce(c.relacl::text, 'default'), 'options', c.reloptions::text)
         || coalesce(E'\n  view ' || CASE WHEN c.relkind = 'v' THEN pg_catalog.pg_get_viewdef(c.oid) END, '')
  FROM id JOIN pg_catalog.pg_class c ON id.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = id.objid
  UNION ALL
  SELECT 'relation ' || id.identity || ' constraint ' || co.conname || ' ' || pg_catalog.pg_get_constraintdef(co.oid)
  FROM id JOIN pg_catalog.pg_constraint co ON id.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND co.conrelid = id.objid
  UNION ALL
  SELECT 'relation ' || id.identity || ' index ' || pg_catalog.pg_get_indexdef(ix.indexrelid)
  FROM id JOIN pg_catalog.pg_index ix ON id.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ix.indrelid = id.objid
  UNION ALL
  SELECT 'relation ' || id.identity || ' trigger ' || pg_catalog.pg_get_triggerdef(tg.oid)
  FROM id JOIN pg_catalog.pg_trigger tg ON id.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND tg.tgrelid = id.objid
  WHERE NOT tg.tgisinternal
  UNION ALL
  SELECT 'relation ' || id.identity || ' policy ' || po.polname || ' ' || po.polcmd::text || ' ' || po.polpermissive
         || ' roles ' || po.polroles::text || ' using ' || coalesce(pg_catalog.pg_get_expr(po.polqual, po.polrelid), '-')
         || ' check ' || coalesce(pg_catalog.pg_get_expr(po.polwithcheck, po.polrelid), '-')
  FROM id JOIN pg_catalog.pg_policy po ON id.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND po.polrelid = id.objid
  UNION ALL
  SELECT 'sequence ' || id.identity || concat_ws(' ', '', s.seqtypid::pg_catalog.regtype, s.seqstart, s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle)
  FROM id JOIN pg_catalog.pg_sequence s ON id.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND s.seqrelid = id.objid
  UNION ALL
  SELECT 'event trigger ' || id.identity || concat_ws(' ', '', e.evtevent, e.evtfoid::pg_catalog.regprocedure, e.evtenabled, e.evttags::text)
  FROM id JOIN pg_catalog.pg_event_trigger e ON id.classid = 'pg_catalog.pg_event_trigger'::pg_catalog.regclass AND e.oid = id.objid
  UNION ALL
  SELECT 'schema ' || n.nspname || ' owner-is-superuser ' || r.rolsuper || ' acl ' || coalesce(n.nspacl::text, 'default')
  FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner WHERE n.nspname = 'colcrypt'
  UNION ALL
  SELECT 'config dump ' || c::pg_catalog.regclass::text || ' ' || coalesce(x.extcondition[i], '')
  FROM pg_catalog.pg_extension x, LATERAL pg_catalog.unnest(x.extconfig) WITH ORDINALITY AS u(c, i)
  WHERE x.extname = 'colcrypt'
  UNION ALL
  -- The privileges pg_dump treats as the extension's own (it dumps only changes from these).
  SELECT 'initial privileges ' || i.type || ' ' || i.identity || ' ' || ip.privtype::text || ' ' || ip.initprivs::text
  FROM pg_catalog.pg_init_privs ip, LATERAL pg_catalog.pg_identify_object(ip.classoid, ip.objoid, ip.objsubid) i
  WHERE (ip.classoid, ip.objoid) IN (SELECT classid, objid FROM mem)
  UNION ALL
  SELECT 'extension ' || x.extname || ' schema ' || x.extnamespace::pg_catalog.regnamespace::text || ' relocatable ' || x.extrelocatable
  FROM pg_catalog.pg_extension x WHERE x.extname = 'colcrypt'
) lines ORDER BY line COLLATE "C";
