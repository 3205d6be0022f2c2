//! The one place where errors become PostgreSQL errors: one SQLSTATE per variant. Messages
//! never hold key, plaintext or ciphertext bytes; key names and file paths are not secret.

use colcrypt_core::Error as CoreError;
use pgrx::{ereport, PgLogLevel, PgSqlErrorCode};

#[derive(Debug)]
pub(crate) enum ColcryptError {
    Core(CoreError),
    /// No usable master key; the text says why and which setting to fix.
    NoMasterKey(String),
    /// rotate_master_key without colcrypt.previous_master_key_file/_command loaded.
    NoPreviousMasterKey(String),
    InvalidKeyName,
    /// A name starting with `__`: colcrypt's own keys (`__blind_index`, `__transient`).
    ReservedKeyName(String),
    UnknownKey(String),
    /// `default` or `__blind_index` does not exist yet, and the current role may not create it.
    BuiltinKeyMissing(&'static str),
    KeyExists(String),
    KeyDestroyed(String),
    /// A value sealed under a data key this database does not have.
    NoKeyForValue,
    /// Input whose blind index is not the one its plaintext has (a forged search result).
    BlindIndexMismatch,
    /// Two key names with one type modifier (30-bit hash): the second is refused.
    KeyNameCollision(String, String),
    /// A column type modifier no key name was registered for.
    UnknownTypmod(i32),
    /// The current role may not read this key's plaintext.
    PlaintextDenied(String),
    /// The key is restricted (colcrypt.restrict_key_use) and the current role is no grantee.
    KeyUseDenied(String),
    /// A type modifier naming a key name nobody registered, used by a role that may not.
    KeyNameNotRegistered(String),
    /// A client-supplied key on a connection that is not allowed to carry one.
    InsecureTransport(&'static str, &'static str),
    NoSessionKey,
    /// The session key used or set by code that is not the session's own (session_key.rs).
    SessionKeyOutOfScope,
    SessionKeyFormat,
    /// Input that the plaintext type rejects, with the SQLSTATE it gave (22P02, 22003, 22008 …);
    /// the value is not repeated.
    InvalidPlaintext(&'static str, PgSqlErrorCode),
    /// One of colcrypt's casts into an encrypted type, called for a type its plaintext type
    /// has no assignment cast from (only by calling the cast function itself).
    NoPlainCast(&'static str),
    /// Binary input that the plaintext type's receive function rejects, with its SQLSTATE.
    InvalidBinaryInput(&'static str, PgSqlErrorCode),
    /// Binary input (the plaintext type's binary form) that is a colcrypt envelope.
    EnvelopeAsBinaryInput(&'static str),
    /// Envelope input (colcrypt.ciphertext_io) by a role that may not restore ciphertext.
    EnvelopeInputDenied,
    /// Text input under colcrypt.ciphertext_io = auto, outside a dump tool's session, that is the
    /// text form of an envelope: a ciphertext dump restored without the setting.
    EnvelopeAsPlaintext(&'static str),
    /// A text argument that is not valid text (SQL_ASCII database: not UTF-8).
    TextNotUtf8,
    /// A decrypted text holding a character the database encoding cannot represent.
    TextNotInDatabaseEncoding,
    /// Key management in a read-only transaction or on a hot standby.
    ReadOnly,
    /// Key management on a Citus worker: keys are managed on the coordinator, which sends them
    /// to every node (src/citus.rs).
    CitusWorker(&'static str),
    /// A key snapshot from the coordinator that lacks key versions this node holds: applying it
    /// would shred this node's values, so it is refused.
    CitusKeysDiverge(i64),
    /// A Citus function of colcrypt's in a database without the citus extension.
    CitusMissing(&'static str),
    /// colcrypt.citus_apply_keys called by a role that is not a superuser, or not on a worker.
    CitusApplyDenied,
    /// A key snapshot from the coordinator that would bring back key versions destroyed on this
    /// node: destruction is final, so it is refused.
    CitusKeysRevive(i64),
    /// A key change on a Citus coordinator in a transaction whose snapshot is older than its
    /// statements (REPEATABLE READ, SERIALIZABLE): the key state it would send could miss changes
    /// other sessions committed, destructions included.
    CitusSnapshotTooOld,
    /// On Citus, work that other nodes would run as the current role (key, role), which is not
    /// denied a key the session's login is denied (src/citus_role_switch.rs).
    CitusRoleSwitch(String, String),
    /// On Citus, a shard move, copy or split (which runs partly as each table's owner) by a
    /// login denied a key (src/citus_role_switch.rs).
    CitusOwnerWork(String),
    /// On Citus, work that would copy a reference table to a node that lacks it, by a login
    /// denied a key (src/citus_role_switch.rs).
    CitusReferenceTablesMissing(String),
    /// A Citus table distributed by hash of an encrypted column that is not searchable (tables).
    CitusUnsearchableDistribution(String),
    /// A comparison of encrypted values that are not searchable while ANALYZE runs (types.rs
    /// index_of): ANALYZE would publish how often each plaintext comes.
    ComparedInAnalyze,
    /// Failure of colcrypt's own catalog queries.
    Internal(String),
}

impl From<CoreError> for ColcryptError {
    fn from(e: CoreError) -> Self {
        ColcryptError::Core(e)
    }
}

impl From<pgrx::spi::Error> for ColcryptError {
    fn from(e: pgrx::spi::Error) -> Self {
        ColcryptError::Internal(format!("colcrypt key table query failed: {e}"))
    }
}

pub(crate) type Result<T> = std::result::Result<T, ColcryptError>;

const MASTER_KEY_SETTINGS: &str =
    "set colcrypt.master_key_file or colcrypt.master_key_command in postgresql.conf and reload (a restart only if colcrypt is not yet in shared_preload_libraries)";

impl ColcryptError {
    fn sqlstate(&self) -> PgSqlErrorCode {
        use PgSqlErrorCode::*;
        match self {
            ColcryptError::Core(e) => match e {
                CoreError::KeyLength { .. } => ERRCODE_INVALID_PARAMETER_VALUE, // 22023
                CoreError::CannotDecrypt | CoreError::NotAnEnvelope => ERRCODE_DATA_EXCEPTION, // 22000
                CoreError::UnsupportedVersion(_) | CoreError::UnsupportedSuite(_) => ERRCODE_FEATURE_NOT_SUPPORTED, // 0A000
                CoreError::NotUtf8 => ERRCODE_CHARACTER_NOT_IN_REPERTOIRE, // 22021
                CoreError::RandomSource => ERRCODE_SYSTEM_ERROR,             // 58000
                CoreError::MasterKeyFormat | CoreError::WrongMasterKey => ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE, // 55000
            },
            ColcryptError::NoMasterKey(_) | ColcryptError::NoPreviousMasterKey(_) => ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
            ColcryptError::InvalidKeyName => ERRCODE_INVALID_PARAMETER_VALUE, // 22023
            ColcryptError::ReservedKeyName(_) => ERRCODE_RESERVED_NAME,        // 42939
            ColcryptError::UnknownKey(_) => ERRCODE_UNDEFINED_OBJECT,         // 42704
            ColcryptError::BuiltinKeyMissing(_) => ERRCODE_UNDEFINED_OBJECT,  // 42704
            ColcryptError::KeyExists(_) => ERRCODE_DUPLICATE_OBJECT,          // 42710
            ColcryptError::KeyDestroyed(_) => ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE, // 55000
            ColcryptError::NoKeyForValue => ERRCODE_DATA_EXCEPTION,           // 22000
            ColcryptError::BlindIndexMismatch => ERRCODE_DATA_EXCEPTION,      // 22000
            ColcryptError::KeyNameCollision(..) => ERRCODE_DUPLICATE_OBJECT,  // 42710
            ColcryptError::UnknownTypmod(_) => ERRCODE_UNDEFINED_OBJECT,      // 42704
            ColcryptError::PlaintextDenied(_) => ERRCODE_INSUFFICIENT_PRIVILEGE, // 42501
            ColcryptError::KeyUseDenied(_) => ERRCODE_INSUFFICIENT_PRIVILEGE,    // 42501
            ColcryptError::KeyNameNotRegistered(_) => ERRCODE_INSUFFICIENT_PRIVILEGE, // 42501
            ColcryptError::InsecureTransport(..) => ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION, // 28000
            ColcryptError::NoSessionKey | ColcryptError::SessionKeyFormat => ERRCODE_INVALID_PARAMETER_VALUE, // 22023
            ColcryptError::SessionKeyOutOfScope => ERRCODE_INSUFFICIENT_PRIVILEGE, // 42501
            ColcryptError::InvalidPlaintext(_, code) => *code, // the plaintext type's own
            ColcryptError::NoPlainCast(_) => ERRCODE_CANNOT_COERCE, // 42846
            ColcryptError::InvalidBinaryInput(_, code) => *code, // the plaintext type's own
            ColcryptError::EnvelopeAsBinaryInput(_) => ERRCODE_INVALID_BINARY_REPRESENTATION, // 22P03
            ColcryptError::EnvelopeInputDenied => ERRCODE_INSUFFICIENT_PRIVILEGE, // 42501
            ColcryptError::EnvelopeAsPlaintext(_) => ERRCODE_INVALID_TEXT_REPRESENTATION, // 22P02
            ColcryptError::TextNotUtf8 => ERRCODE_CHARACTER_NOT_IN_REPERTOIRE, // 22021
            ColcryptError::TextNotInDatabaseEncoding => ERRCODE_UNTRANSLATABLE_CHARACTER, // 22P05
            ColcryptError::ReadOnly => ERRCODE_READ_ONLY_SQL_TRANSACTION,     // 25006
            ColcryptError::CitusWorker(_) => ERRCODE_FEATURE_NOT_SUPPORTED,   // 0A000
            ColcryptError::CitusKeysDiverge(_) => ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE, // 55000
            ColcryptError::CitusApplyDenied => ERRCODE_INSUFFICIENT_PRIVILEGE, // 42501
            ColcryptError::CitusKeysRevive(_) => ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE, // 55000
            ColcryptError::CitusSnapshotTooOld => ERRCODE_FEATURE_NOT_SUPPORTED, // 0A000
            ColcryptError::CitusRoleSwitch(..) => ERRCODE_INSUFFICIENT_PRIVILEGE, // 42501
            ColcryptError::CitusOwnerWork(_) => ERRCODE_INSUFFICIENT_PRIVILEGE,   // 42501
            ColcryptError::CitusReferenceTablesMissing(_) => ERRCODE_INSUFFICIENT_PRIVILEGE, // 42501
            ColcryptError::CitusUnsearchableDistribution(_) => ERRCODE_FEATURE_NOT_SUPPORTED, // 0A000
            ColcryptError::CitusMissing(_) => ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE, // 55000
            ColcryptError::ComparedInAnalyze => ERRCODE_FEATURE_NOT_SUPPORTED, // 0A000
            ColcryptError::Internal(_) => ERRCODE_INTERNAL_ERROR,             // XX000
        }
    }

    pub(crate) fn message(&self) -> String {
        match self {
            // A standby cannot re-wrap: it follows the primary's keys through the WAL (a DBA review
            // followed the other advice on one).
            // SAFETY: reads shared recovery state.
            ColcryptError::Core(CoreError::WrongMasterKey) if unsafe { pgrx::pg_sys::RecoveryInProgress() } => {
                format!(
                    "colcrypt: {}; this server is a standby: give it the master key the primary wraps its data keys with \
                     (during a rotation, the new key as colcrypt.master_key_file and the old one as colcrypt.previous_master_key_file) and reload",
                    CoreError::WrongMasterKey
                )
            }
            ColcryptError::Core(CoreError::WrongMasterKey) => {
                format!(
                    "colcrypt: {}; point colcrypt.master_key_file or colcrypt.master_key_command at the key they were wrapped with and reload, \
                     or, to move them to the current key, set colcrypt.previous_master_key_file or colcrypt.previous_master_key_command to it \
                     and run colcrypt.rotate_master_key() in this database",
                    CoreError::WrongMasterKey
                )
            }
            ColcryptError::Core(e) => e.to_string(),
            ColcryptError::NoMasterKey(why) => format!("colcrypt has no usable master key: {why}; {MASTER_KEY_SETTINGS}"),
            ColcryptError::NoPreviousMasterKey(why) => format!(
                "colcrypt cannot rotate the master key: {why}; set colcrypt.previous_master_key_file or \
                 colcrypt.previous_master_key_command to the old key and colcrypt.master_key_file or \
                 colcrypt.master_key_command to the new one, then reload"
            ),
            ColcryptError::InvalidKeyName => {
                "key names must be 1 to 63 characters of a-z, 0-9 and _, starting with a letter or one _".to_owned()
            }
            ColcryptError::ReservedKeyName(name) => format!(
                "key name \"{name}\" is reserved: names starting with __ are colcrypt's own keys, which seal no column and cannot be denied, restricted or destroyed"
            ),
            ColcryptError::UnknownKey(name) => format!("colcrypt data key \"{name}\" does not exist"),
            ColcryptError::BuiltinKeyMissing(name) => format!(
                "colcrypt's key \"{name}\" does not exist yet: a colcrypt_key_admin creates it \
                 (SELECT colcrypt.create_key('default') for the default key; any create_key call creates colcrypt's own keys)"
            ),
            ColcryptError::KeyExists(name) => format!("colcrypt data key \"{name}\" already exists"),
            ColcryptError::KeyDestroyed(name) => {
                format!("colcrypt data key \"{name}\" was destroyed: values sealed under it can never be decrypted")
            }
            ColcryptError::NoKeyForValue => {
                "cannot decrypt: no colcrypt data key in this database matches the value".to_owned()
            }
            ColcryptError::BlindIndexMismatch => {
                "cannot store the value: its blind index does not match its plaintext (a forged or damaged value)".to_owned()
            }
            ColcryptError::KeyNameCollision(name, other) => format!(
                "colcrypt key name \"{name}\" has the same type modifier as \"{other}\"; choose another name"
            ),
            ColcryptError::UnknownTypmod(t) => {
                format!("no colcrypt data key name is registered for type modifier {t}")
            }
            ColcryptError::PlaintextDenied(name) => {
                format!("permission denied to read the plaintext of values under colcrypt data key \"{name}\"")
            }
            ColcryptError::KeyUseDenied(name) => format!(
                "permission denied to use colcrypt data key \"{name}\": a colcrypt_key_admin grants it with colcrypt.grant_key_use"
            ),
            ColcryptError::KeyNameNotRegistered(name) => format!(
                "colcrypt key name \"{name}\" is not registered, and only a colcrypt_key_admin may register one: \
                 create the key first with colcrypt.create_key('{name}')"
            ),
            ColcryptError::InsecureTransport(what, remedy) => {
                format!("colcrypt refuses client-supplied keys on {what}: {remedy} (colcrypt.require_secure_transport)")
            }
            ColcryptError::NoSessionKey => {
                "no key given and colcrypt.session_key is not set: pass a key argument or set the session key in the connection's startup options".to_owned()
            }
            ColcryptError::SessionKeyOutOfScope => "colcrypt.session_key is not available to a SECURITY DEFINER function or a maintenance operation: \
                                                    only the session's own code uses it"
                .to_owned(),
            ColcryptError::SessionKeyFormat => "colcrypt.session_key must be 64 hexadecimal digits (32 bytes)".to_owned(),
            ColcryptError::InvalidPlaintext(t, _) => {
                format!("invalid input for type {t}: not a valid value of its plaintext type (colcrypt does not repeat the value)")
            }
            ColcryptError::NoPlainCast(t) => {
                format!("cannot cast this value to type {t}: its plaintext type, {}, has no assignment cast from its type", plain_type_name(t))
            }
            ColcryptError::InvalidBinaryInput(t, _) => format!(
                "invalid binary input for type {t}: send the binary form of {}, its plaintext type (colcrypt does not repeat the value)",
                plain_type_name(t)
            ),
            ColcryptError::EnvelopeAsPlaintext(t) => format!(
                "input for type {t} is the text form of a colcrypt envelope, not plaintext: to restore a ciphertext dump \
                 set colcrypt.ciphertext_io = on (PGOPTIONS='-c colcrypt.ciphertext_io=on'); to store this text as data \
                 set colcrypt.ciphertext_io = off"
            ),
            ColcryptError::EnvelopeInputDenied => "permission denied to load colcrypt envelopes (colcrypt.ciphertext_io input): \
                                                   restoring ciphertext needs a superuser or a colcrypt_key_admin"
                .to_owned(),
            ColcryptError::EnvelopeAsBinaryInput(t) => format!(
                "binary input for type {t} is the binary form of {}, its plaintext type, and this is a colcrypt envelope: \
                 to load envelopes (a ciphertext dump, colcrypt.envelope()) set colcrypt.ciphertext_io = on",
                plain_type_name(t)
            ),
            ColcryptError::TextNotUtf8 => {
                "text argument is not valid UTF-8 (colcrypt seals text as UTF-8; in a SQL_ASCII database the bytes must be UTF-8)".to_owned()
            }
            ColcryptError::TextNotInDatabaseEncoding => {
                "the decrypted text holds a character that the database encoding cannot represent (colcrypt does not repeat it)".to_owned()
            }
            ColcryptError::ReadOnly => "colcrypt cannot change keys in a read-only transaction: create, rotate and destroy keys \
                                          (and name new ones in column types) on the primary; standbys receive them with the WAL"
                .to_owned(),
            ColcryptError::CitusWorker(what) => format!(
                "colcrypt cannot {what} on a Citus worker: keys are managed on the coordinator, which applies every \
                 change to all nodes in the same transaction (after adding a node: SELECT colcrypt.citus_sync_keys() \
                 on the coordinator)"
            ),
            ColcryptError::CitusKeysDiverge(n) => format!(
                "colcrypt refuses the coordinator's keys on this node: {n} data key version(s) here are not on the \
                 coordinator, and replacing them would make their values unreadable; copy them to the coordinator's \
                 colcrypt.data_keys first (or drop them if no value uses them)"
            ),
            ColcryptError::CitusMissing(f) => {
                format!("colcrypt.{f} needs Citus: the citus extension is not created in this database")
            }
            ColcryptError::CitusApplyDenied => {
                "colcrypt.citus_apply_keys is run only by the Citus coordinator, as a superuser, on its workers".to_owned()
            }
            ColcryptError::CitusKeysRevive(n) => format!(
                "colcrypt refuses the coordinator's keys on this node: they would make {n} key version(s) destroyed \
                 here usable again; destruction is final (compare with colcrypt.citus_keys_in_sync() on the coordinator)"
            ),
            ColcryptError::CitusSnapshotTooOld => "colcrypt changes keys on a Citus coordinator only in READ COMMITTED \
                 transactions: under REPEATABLE READ or SERIALIZABLE the key state sent to the workers could miss \
                 changes other sessions committed"
                .to_owned(),
            ColcryptError::CitusRoleSwitch(key, role) => format!(
                "permission denied: this session's login is denied the plaintext of colcrypt data key \"{key}\", and \
                 role \"{role}\" is not, which is all that the other Citus nodes would see; deny that role too \
                 (colcrypt.deny_plaintext('{key}', '{role}')), or work without switching to it (SET ROLE, \
                 set_config, SECURITY DEFINER functions)"
            ),
            ColcryptError::CitusOwnerWork(key) => format!(
                "permission denied: this session's login is denied the plaintext of colcrypt data key \"{key}\", and \
                 Citus runs shard moves, copies and splits partly as each table's owner on the other nodes; run them \
                 from a login that is not denied"
            ),
            ColcryptError::CitusReferenceTablesMissing(key) => format!(
                "permission denied: this session's login is denied the plaintext of colcrypt data key \"{key}\", and a \
                 Citus node lacks a reference table, which this statement could make Citus copy there (partly as the \
                 table's owner); an administrator runs SELECT replicate_reference_tables() first"
            ),
            ColcryptError::CitusUnsearchableDistribution(tables) => format!(
                "colcrypt: {tables} would be distributed by hash of an encrypted column that is not searchable, which \
                 places equal plaintexts in one shard for anyone to see; distribute by a searchable column \
                 (encrypted_text(key, searchable)) or by another column"
            ),
            ColcryptError::ComparedInAnalyze => "colcrypt: ANALYZE does not compare encrypted values that are not searchable \
                 (the statistics would show how often each plaintext comes to anyone who may read them); set the \
                 statistics target of the column holding them to 0: ALTER TABLE … ALTER COLUMN … SET STATISTICS 0"
                .to_owned(),
            ColcryptError::Internal(msg) => msg.clone(),
        }
    }

    /// Raises the error as an ERROR; does not return.
    pub(crate) fn raise(&self) -> ! {
        ereport!(PgLogLevel::ERROR, self.sqlstate(), self.message());
        unreachable!("ereport(ERROR) does not return")
    }
}

/// `encrypted_int4` → `int4`: the plaintext type's name (the types are named after it).
fn plain_type_name(t: &str) -> &str {
    t.strip_prefix("encrypted_").unwrap_or(t)
}

/// Unwraps a result in a pg_extern: the value, or the error raised.
pub(crate) trait OrRaise<T> {
    fn or_raise(self) -> T;
}

impl<T, E: Into<ColcryptError>> OrRaise<T> for std::result::Result<T, E> {
    fn or_raise(self) -> T {
        self.unwrap_or_else(|e| e.into().raise())
    }
}
