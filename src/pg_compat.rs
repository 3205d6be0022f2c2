//! Everything that differs between the PostgreSQL versions colcrypt builds for (15 and 18), so
//! that the rest of the code calls one function and carries no `#[cfg(feature = "pgNN")]`.

use pgrx::pg_sys;

#[cfg(not(any(feature = "pg15", feature = "pg18")))]
compile_error!("colcrypt builds for PostgreSQL 15 or 18: enable feature pg15 or pg18");

/// The status entry of the `index`th backend (1-based, up to `pgstat_fetch_stat_numbackends()`)
/// in this transaction's snapshot of the backend status table, as pg_stat_get_activity reads it.
///
/// # Safety
/// Call inside a transaction in a backend with shared memory attached; the entry lives in the
/// snapshot, which is freed at transaction end.
pub(crate) unsafe fn backend_status_by_index(index: i32) -> Option<&'static pg_sys::PgBackendStatus> {
    // 15: `pgstat_fetch_stat_beentry` took the index into the snapshot. 16 made it look up a
    // backend ID and 17 renamed it to `pgstat_get_beentry_by_proc_number`; the index lookup is
    // `pgstat_get_local_beentry_by_index` since 17.
    #[cfg(feature = "pg15")]
    let entry = pg_sys::pgstat_fetch_stat_beentry(index).as_ref();
    #[cfg(feature = "pg18")]
    let entry = pg_sys::pgstat_get_local_beentry_by_index(index).as_ref().map(|l| &l.backendStatus);
    entry
}

/// Whether `member` may `SET ROLE` to `role`.
///
/// # Safety
/// Call inside a transaction (role caches).
pub(crate) unsafe fn can_set_role(member: pg_sys::Oid, role: pg_sys::Oid) -> bool {
    // Before 16 every member may SET ROLE; from 16 a grant may withhold it.
    #[cfg(feature = "pg15")]
    let can = pg_sys::is_member_of_role_nosuper(member, role);
    #[cfg(feature = "pg18")]
    let can = pg_sys::member_can_set_role(member, role);
    can
}

/// Whether only superusers can create subscriptions and own them (before 16; from 16 members of
/// pg_create_subscription can too).
pub(crate) const fn only_superusers_make_subscriptions() -> bool {
    cfg!(feature = "pg15")
}

static mut NEXT_EXECUTOR_RUN: pg_sys::ExecutorRun_hook_type = None;

/// Installs the ExecutorRun hook (citus_intermediate::run); called once per process from
/// `_PG_init`. It chains to any hook installed before.
pub(crate) fn install_executor_run_hook() {
    // SAFETY: hooks are installed from _PG_init, before any query runs.
    unsafe {
        NEXT_EXECUTOR_RUN = pg_sys::ExecutorRun_hook;
        pg_sys::ExecutorRun_hook = Some(executor_run);
    }
}

mod executor_ffi {
    // Declared here, unguarded: pgrx's guard would raise the executor's errors again without
    // their context lines; they pass through colcrypt's frames, which hold nothing to drop.
    unsafe extern "C-unwind" {
        #[cfg(feature = "pg15")]
        pub(super) fn standard_ExecutorRun(q: *mut pgrx::pg_sys::QueryDesc, d: pgrx::pg_sys::ScanDirection::Type, count: u64, once: bool);
        #[cfg(feature = "pg18")]
        pub(super) fn standard_ExecutorRun(q: *mut pgrx::pg_sys::QueryDesc, d: pgrx::pg_sys::ScanDirection::Type, count: u64);
    }
}

// 18 dropped ExecutorRun's `execute_once`.
#[cfg(feature = "pg15")]
unsafe extern "C-unwind" fn executor_run(q: *mut pg_sys::QueryDesc, d: pg_sys::ScanDirection::Type, count: u64, once: bool) {
    // SAFETY: PostgreSQL's arguments, passed on.
    unsafe {
        let started_as = crate::unguarded::user_and_session().0;
        if crate::citus_role_switch::acts_as_another_role() {
            crate::citus_role_switch::check_execution(q);
        }
        crate::citus_intermediate::run(q, || match NEXT_EXECUTOR_RUN {
            Some(next) => next(q, d, count, once),
            None => executor_ffi::standard_ExecutorRun(q, d, count, once),
        });
        let user = crate::unguarded::user_and_session().0;
        if user != started_as {
            crate::citus_role_switch::check_execution_end(user);
        }
    }
}

#[cfg(feature = "pg18")]
unsafe extern "C-unwind" fn executor_run(q: *mut pg_sys::QueryDesc, d: pg_sys::ScanDirection::Type, count: u64) {
    // SAFETY: PostgreSQL's arguments, passed on.
    unsafe {
        let started_as = crate::unguarded::user_and_session().0;
        if crate::citus_role_switch::acts_as_another_role() {
            crate::citus_role_switch::check_execution(q);
        }
        crate::citus_intermediate::run(q, || match NEXT_EXECUTOR_RUN {
            Some(next) => next(q, d, count),
            None => executor_ffi::standard_ExecutorRun(q, d, count),
        });
        let user = crate::unguarded::user_and_session().0;
        if user != started_as {
            crate::citus_role_switch::check_execution_end(user);
        }
    }
}

/// The record of a built-in string setting, by name (to wrap its check hook at load).
pub(crate) unsafe fn string_setting(name: &std::ffi::CStr) -> Option<*mut pg_sys::config_string> {
    // SAFETY: PostgreSQL's array of setting records (built before libraries load), read; the
    // records live for the life of the process.
    unsafe {
        #[cfg(feature = "pg15")]
        let (vars, n) = (pg_sys::get_guc_variables(), pg_sys::GetNumConfigOptions());
        #[cfg(feature = "pg18")]
        let (vars, n) = {
            let mut n = 0;
            (pg_sys::get_guc_variables(&mut n), n)
        };
        if vars.is_null() {
            return None;
        }
        (0..n as usize).map(|i| *vars.add(i)).find_map(|g| {
            let found = !g.is_null()
                && (*g).vartype == pg_sys::config_type::PGC_STRING
                && !(*g).name.is_null()
                && std::ffi::CStr::from_ptr((*g).name) == name;
            found.then(|| g.cast::<pg_sys::config_string>())
        })
    }
}
