//! colcrypt's SQL surface: thin `#[pg_extern]`s over `colcrypt-core`, the error mapping and the
//! per-backend key cache. Crypto and parsing live in crates/core.

use pgrx::prelude::*;

mod backend_local;
mod citus;
mod citus_intermediate;
mod citus_role_switch;
mod client_key_fns;
mod cross_type;
mod ddl_helpers;
mod distribution_lookups;
mod error;
mod in_analyze;
mod index_cache;
mod key_audit;
mod key_cache;
mod keyring;
mod literals;
mod log_redaction;
mod master_key;
mod param_types;
mod pg_compat;
mod privileged;
mod server_keys;
mod server_text;
mod session_key;
mod transport;
mod types;
mod unguarded;
mod unsearchable_indexes;

::pgrx::pg_module_magic!(name, version);

::pgrx::extension_sql_file!("../sql/keys.sql", name = "keys", bootstrap);
::pgrx::extension_sql_file!("../sql/types.sql", name = "types", requires = ["keys"]);
::pgrx::extension_sql_file!("../sql/finalize.sql", finalize);

/// Runs once per process that loads the library: in the postmaster when preloaded, otherwise in
/// the first backend that calls colcrypt.
#[pg_guard]
pub extern "C-unwind" fn _PG_init() {
    hide_rust_backtraces();
    register_fork_handler();
    log_redaction::install();
    param_types::install();
    distribution_lookups::install();
    unsearchable_indexes::install();
    literals::install();
    citus::install_hooks();
    pg_compat::install_executor_run_hook();
    in_analyze::install();
    citus_role_switch::install();
    key_audit::install();
    master_key::define_settings();
    types::define_settings();
    transport::define_settings();
    session_key::define_settings();
    master_key::load_at_startup();
}

/// pgrx attaches a Rust backtrace to the DETAIL of an error when RUST_BACKTRACE (or
/// RUST_LIB_BACKTRACE) is set in the server's environment; clients would see source paths and
/// internals. The standard library reads these once per process, at the first capture, so
/// removing them here (in the postmaster when preloaded; backends inherit) turns capture off.
fn hide_rust_backtraces() {
    // PostgreSQL processes are single-threaded: nothing reads the environment concurrently.
    std::env::remove_var("RUST_BACKTRACE");
    std::env::remove_var("RUST_LIB_BACKTRACE");
}

/// Every backend and parallel worker is forked from the postmaster; the child handler makes
/// the child reseed its nonce generator instead of continuing its parent's stream
/// (docs/FORMAT.md, "Nonces").
fn register_fork_handler() {
    extern "C" fn in_child_after_fork() {
        colcrypt_core::nonce::note_fork();
    }
    // SAFETY: pthread_atfork only records the function pointer; the handler does one atomic add,
    // which is async-signal-safe.
    let rc = unsafe { libc::pthread_atfork(None, None, Some(in_child_after_fork)) };
    if rc != 0 {
        // Without the handler nonces could repeat across backends: refuse to load.
        error!("colcrypt: could not register its fork handler (pthread_atfork returned {rc})");
    }
}

#[cfg(any(test, feature = "pg_test"))]
mod pg_tests;

/// Required by `cargo pgrx test`.
#[cfg(test)]
pub mod pg_test {
    pub fn setup(_options: Vec<&str>) {}

    #[must_use]
    pub fn postgresql_conf_options() -> Vec<&'static str> {
        // pgrx's test client connects over TCP without TLS; the transport rule has its own tests
        // (pg_regress in_flight, integration t_tls.sh, and the pg_test that switches it on).
        vec!["shared_preload_libraries = 'colcrypt'", "colcrypt.require_secure_transport = off"]
    }
}
