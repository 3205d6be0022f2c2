#!/usr/bin/env bash
# `make mutants-pgrx`: hand-written mutations of the pgrx layer's security checks (privilege,
# denial, key use, transport, input verification, redaction, session key scope). For each one:
# apply it (a one-line change), build and install, run the tests that should notice, and expect
# them to FAIL; then restore the source. A mutation the tests survive is a missing test.
#
# It rewrites files under src/ while it runs and reinstalls the extension into the system
# PostgreSQL: run it alone, not beside other test runs. The source is restored on every exit.
# Runs for about 10 minutes on two cores (a build and a test run per mutation);
# MUTANTS=id,id runs only those.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

# id ~ file ~ exact text (\n for a newline) ~ replacement ~ tests that must fail ("regress" or
# integration:<names>). Several edits that make one mutant: files, texts and replacements as
# lists separated by ";;". pin-and-qualify breaks both layers of the privileged-SQL defence at
# once (search_path pinning, schema-qualified names): each alone is covered by the other.
MUTATIONS=$(cat <<'EOF'
pin-and-qualify~src/privileged.rs;;src/keyring.rs~c"pg_catalog, pg_temp";;role::pg_catalog.oid FROM colcrypt.plaintext_denials~c"pg_temp, pg_catalog";;role::oid FROM colcrypt.plaintext_denials~integration:t_adversarial
plaintext-denial~src/keyring.rs~if is_denied(user) || is_denied(session) {~if false {~regress
denial-session-user~src/keyring.rs~if is_denied(user) || is_denied(session) {~if is_denied(user) {~regress
key-use-allow-list~src/keyring.rs~if !self.access.restricted {~if true {~regress
denial-on-index-computation~src/types.rs~    if wants_index || !same_key {~    if !same_key {~regress
blind-index-verification~src/types.rs~if !bool::from(subtle::ConstantTimeEq::ct_eq(&given[..], &computed[..])) {~if false {~regress
name-registration-admin-only~src/keyring.rs~if require_admin && !privileged::current_role_is_key_admin() {~if false {~regress
builtin-keys-admin-only~src/keyring.rs~Err(ColcryptError::UnknownKey(_)) if privileged::current_role_is_key_admin() => {~Err(ColcryptError::UnknownKey(_)) if true => {~regress
reserved-typmods~src/keyring.rs~if name.starts_with("__") {~if name.starts_with("__") && false {~regress
unknown-key-superuser-only~src/types.rs~if unsafe { pg_sys::superuser() } => Ok(bytes),~if true => Ok(bytes),~regress
stored-session-key~src/session_key.rs~    if stored {~    if false {~regress
session-key-scope~src/session_key.rs~    if !in_sessions_own_code() {\n        return Err(ColcryptError::SessionKeyOutOfScope);~    if false {\n        return Err(ColcryptError::SessionKeyOutOfScope);~regress
detail-redaction~src/log_redaction.rs~let quotes_row = matches!(&sqlstate_class(e.sqlerrcode), b"23" | b"44");~let quotes_row = false;~regress
copy-context-redaction~src/log_redaction.rs~        if line.starts_with(b"COPY ") {~        if line.starts_with(b"NEVER ") {~regress
no-statistics~src/types.rs~fn encrypted_typanalyze(_stats: Internal) -> bool {\n    false~fn encrypted_typanalyze(_stats: Internal) -> bool {\n    unsafe { pg_sys::std_typanalyze(_stats.unwrap().unwrap().cast_mut_ptr()) }~regress
plain-tcp-refused~src/transport.rs~Transport::PlainTcp => Err(ColcryptError::InsecureTransport("a TCP connection without TLS")),~Transport::PlainTcp => Ok(()),~integration:t_tls
backtraces-hidden~src/lib.rs~    hide_rust_backtraces();\n    register_fork_handler();~    register_fork_handler();~integration:t_error_reports
statement-mask~src/session_key.rs~        if text.is_null() || value.len() < 8 {~        if true {~integration:t_session_key_text
envelope-as-binary-plaintext~src/types.rs~    if envelope_commitment(split(unread).1).is_ok() {~    if false {~integration:t_types_driver
envelope-text-under-auto~src/types.rs~    if CIPHERTEXT_IO.get() == CiphertextIo::Auto && is_envelope_literal(input.to_bytes()) {~    if false {~integration:t_parallel_restore
dump-tools-get-envelopes~src/types.rs~        || (CIPHERTEXT_IO.get() == CiphertextIo::Auto && dump_tool_session())~        || false~integration:t_types_canary_dump
binary-send-decrypts-with-checks~src/types.rs~    let plaintext = zeroize::Zeroizing::new(open(spec, value).or_raise());\n    match spec.plain {\n        // The sealed bytes~    let plaintext = zeroize::Zeroizing::new(keyring::key_of(split(value).1).and_then(|k| Ok(k.cipher()?.open(split(value).1, &context_for(spec, split(value).0))?)).or_raise());\n    match spec.plain {\n        // The sealed bytes~regress
replication-carries-envelopes~src/types.rs~        || unsafe { pg_sys::am_walsender || pg_sys::IsLogicalWorker() }~        || false~integration:t_replication
EOF
)

BACKUP="$(mktemp -d "${TMPDIR:-/tmp}/colcrypt-mutants.XXXXXX")"
cp -a src "$BACKUP/src"
restore() { rm -rf "$ROOT/src"; cp -a "$BACKUP/src" "$ROOT/src"; }
cleanup() { restore; bash scripts/install-extension.sh >/dev/null 2>&1; rm -rf "$BACKUP"; }
trap cleanup EXIT

caught=0; survived=(); broken=()
while IFS='~' read -r id file from to tests; do
  [ -n "$id" ] || continue
  # MUTANTS=id,id runs only those.
  if [ -n "${MUTANTS:-}" ] && [[ ",$MUTANTS," != *",$id,"* ]]; then continue; fi
  restore
  if ! python3 - "$file" "$from" "$to" <<'PY'
import sys
files, olds, news = (a.split(";;") for a in sys.argv[1:4])
assert len(files) == len(olds) == len(news), "unequal ;; lists"
for path, old, new in zip(files, olds, news):
    old, new = old.replace("\\n", "\n"), new.replace("\\n", "\n")
    text = open(path).read()
    if text.count(old) != 1:
        sys.exit(f"{path}: the text to mutate occurs {text.count(old)} times (expected once): {old!r}")
    open(path, "w").write(text.replace(old, new))
PY
  then broken+=("$id (the code it mutates changed: update the list)"); continue; fi
  if ! bash scripts/install-extension.sh >"$BACKUP/build.log" 2>&1; then
    broken+=("$id (does not compile)"); continue
  fi
  case "$tests" in
    regress) cmd=(bash tests/regress.sh) ;;
    integration:*) cmd=(env ONLY="${tests#integration:}" bash tests/integration/run.sh) ;;
  esac
  if "${cmd[@]}" >"$BACKUP/$id.log" 2>&1; then
    echo "SURVIVED $id ($tests passed with the check broken)"; survived+=("$id")
  else
    echo "caught   $id ($tests)"; caught=$((caught + 1))
  fi
done <<<"$MUTATIONS"

echo "pgrx mutants: $caught caught, ${#survived[@]} survived, ${#broken[@]} not applied"
for b in "${broken[@]}"; do echo "  not applied: $b"; done
[ ${#survived[@]} -eq 0 ] && [ ${#broken[@]} -eq 0 ]
