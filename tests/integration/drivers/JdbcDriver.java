// pgJDBC over TLS (sslmode=verify-full): every encrypted type with the driver's ordinary setters
// and getters, getBytes on encrypted_bytea through binary transfer of that type's oid, lookup by
// the searchable column with a typed (varchar) parameter, update, upsert, CopyManager.
// Run as a single-file program: java -cp postgresql.jar JdbcDriver.java
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.sql.*;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.postgresql.copy.CopyManager;

public class JdbcDriver {
    static final String BIG = "1 MB ü canary " + "ü".repeat(512 * 1024);
    static final String[] COLS = {"ssn", "t", "b", "j", "i4", "i8", "n", "f", "bo", "d", "ts"};
    static final String[] TYPES = {"encrypted_text", "encrypted_text", "encrypted_bytea", "encrypted_jsonb", "encrypted_int4",
        "encrypted_int8", "encrypted_numeric", "encrypted_float8", "encrypted_bool", "encrypted_date", "encrypted_timestamptz"};

    static void check(boolean ok, String what) { if (!ok) throw new AssertionError(what); }
    static void eq(Object got, Object want, String what) {
        boolean same = (got instanceof byte[] && want instanceof byte[]) ? Arrays.equals((byte[]) got, (byte[]) want) : java.util.Objects.equals(got, want);
        if (!same) throw new AssertionError(what + ": got " + (got instanceof byte[] ? Arrays.toString((byte[]) got) : got) + ", expected " + want);
    }
    static String ddl(String t) {
        StringBuilder b = new StringBuilder("CREATE TABLE " + t + " (id int PRIMARY KEY");
        for (int i = 0; i < COLS.length; i++) b.append(", ").append(COLS[i]).append(" colcrypt.").append(TYPES[i]).append(COLS[i].equals("ssn") ? "(drv, searchable)" : "(drv)");
        return b.append(", UNIQUE (ssn))").toString();
    }
    static Connection connect(String extra) throws SQLException {
        String url = "jdbc:postgresql://" + System.getenv("PGHOST") + ":" + System.getenv("PGPORT") + "/" + System.getenv("PGDATABASE")
            + "?user=" + System.getenv("PGUSER") + "&sslmode=verify-full&sslrootcert=" + System.getenv("PGSSLROOTCERT") + extra;
        return DriverManager.getConnection(url);
    }

    public static void main(String[] args) throws Exception {
        long bytesOid;
        try (Connection c = connect("")) {
            try (Statement s = c.createStatement()) {
                s.execute("SET TimeZone = 'UTC'");
                ResultSet tls = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
                tls.next(); check(tls.getBoolean(1), "connected over TLS");
                s.execute(ddl("jdbc"));
                ResultSet r = s.executeQuery("SELECT 'colcrypt.encrypted_bytea'::regtype::oid");
                r.next(); bytesOid = r.getLong(1);
            }
            insertAndRead(c);
        }
        // getBytes on encrypted_bytea: the type's oid in binaryTransferEnable (oids differ per
        // database: look it up first), and server-prepared statements from the first execution.
        {
            try (Connection c = connect("&binaryTransferEnable=" + bytesOid + "&prepareThreshold=-1");
                 PreparedStatement p = c.prepareStatement("SELECT b FROM jdbc WHERE id = ?")) {
                p.setInt(1, 1);
                ResultSet r = p.executeQuery(); r.next();
                eq(r.getBytes(1), new byte[]{0, (byte) 0xff, 1, 'c', 'a', 'n', 'a', 'r', 'y'}, "getBytes with binary transfer");
            }
        }
        System.out.println("pgJDBC: all ten types, lookup, update, upsert, CopyManager");
    }

    static void insertAndRead(Connection c) throws Exception {
        OffsetDateTime ts3 = OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 123456000, ZoneOffset.UTC);
        try (PreparedStatement p = c.prepareStatement("INSERT INTO jdbc VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            // Row 1: extremes, unicode, NaN (setString with Types.OTHER sends an untyped value),
            // +infinity (OffsetDateTime.MAX, which pgJDBC sends as 'infinity').
            p.setInt(1, 1); p.setString(2, "ssn-canary-1"); p.setString(3, "Zürich ✓ 日本 canary");
            p.setBytes(4, new byte[]{0, (byte) 0xff, 1, 'c', 'a', 'n', 'a', 'r', 'y'});
            p.setObject(5, "{\"a\": [1, \"ü\"], \"b\": null}", Types.OTHER);
            p.setInt(6, Integer.MIN_VALUE); p.setLong(7, Long.MIN_VALUE); p.setObject(8, "NaN", Types.OTHER);
            p.setDouble(9, -1e300); p.setBoolean(10, true); p.setObject(11, LocalDate.of(2024, 2, 29));
            p.setObject(12, OffsetDateTime.MAX);
            p.executeUpdate();
            p.setInt(1, 2); p.setString(2, "ssn-2"); p.setString(3, ""); p.setBytes(4, new byte[0]);
            p.setObject(5, "[]", Types.OTHER); p.setInt(6, Integer.MAX_VALUE); p.setLong(7, Long.MAX_VALUE);
            p.setBigDecimal(8, new BigDecimal("12345.678900")); p.setDouble(9, 0.1); p.setBoolean(10, false);
            p.setObject(11, LocalDate.of(1, 1, 1)); p.setObject(12, OffsetDateTime.MIN);
            p.executeUpdate();
            p.setInt(1, 3); p.setString(2, "ssn-3"); p.setString(3, BIG);
            for (int i = 4; i <= 11; i++) p.setNull(i, Types.OTHER);
            p.setObject(12, ts3);
            p.executeUpdate();
        }
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM jdbc ORDER BY id")) {
            r.next();
            eq(r.getString("ssn"), "ssn-canary-1", "ssn"); eq(r.getString("t"), "Zürich ✓ 日本 canary", "t");
            // Text results: getBytes would give the hex text's ASCII; getString shows that form.
            eq(r.getString("b"), "\\x00ff0163616e617279", "bytea as text");
            eq(r.getString("j"), "{\"a\": [1, \"ü\"], \"b\": null}", "jsonb");
            eq(r.getInt("i4"), Integer.MIN_VALUE, "i4"); eq(r.getLong("i8"), Long.MIN_VALUE, "i8");
            eq(r.getString("n"), "NaN", "numeric NaN"); check(Double.isNaN(r.getDouble("n")), "getDouble NaN");
            eq(r.getDouble("f"), -1e300, "f"); eq(r.getBoolean("bo"), true, "bo");
            eq(r.getDate("d").toLocalDate(), LocalDate.of(2024, 2, 29), "date");
            eq(r.getTimestamp("ts").getTime(), PGStatement.DATE_POSITIVE_INFINITY, "+infinity");
            r.next();
            eq(r.getString("t"), "", "empty text"); eq(r.getString("b"), "\\x", "empty bytea"); eq(r.getString("j"), "[]", "jsonb []");
            eq(r.getInt("i4"), Integer.MAX_VALUE, "i4 max"); eq(r.getLong("i8"), Long.MAX_VALUE, "i8 max");
            eq(r.getBigDecimal("n"), new BigDecimal("12345.678900"), "numeric"); eq(r.getDouble("f"), 0.1, "f");
            eq(r.getBoolean("bo"), false, "bool false"); eq(r.getDate("d").toLocalDate(), LocalDate.of(1, 1, 1), "date 1");
            eq(r.getTimestamp("ts").getTime(), PGStatement.DATE_NEGATIVE_INFINITY, "-infinity");
            r.next();
            eq(r.getString("t"), BIG, "1 MB text");
            for (String col : new String[]{"b", "j", "i4", "i8", "n", "f", "bo", "d"}) { r.getObject(col); check(r.wasNull(), col + " NULL"); }
            eq(r.getTimestamp("ts").toInstant(), ts3.toInstant(), "timestamptz");
            check(!r.next(), "three rows");
        }

        // Lookup with a typed parameter: setString sends varchar.
        String eqSql = "ssn = ?";
        try (PreparedStatement p = c.prepareStatement("SELECT id, t FROM jdbc WHERE " + eqSql)) {
            p.setString(1, "ssn-2");
            ResultSet r = p.executeQuery();
            check(r.next(), "lookup found"); eq(r.getInt(1), 2, "lookup id"); eq(r.getString(2), "", "lookup t"); check(!r.next(), "one row");
        }
        // setBigDecimal on an integer column, setDouble on a numeric one, an OffsetDateTime on a
        // date: each has its own equality (src/cross_type.rs); they were 42883.
        try (PreparedStatement p = c.prepareStatement("SELECT id FROM jdbc WHERE i4 = ? AND n = ?")) {
            p.setBigDecimal(1, new BigDecimal("2147483647.00")); p.setDouble(2, 12345.6789);
            ResultSet r = p.executeQuery();
            check(r.next(), "numeric and float8 lookup found"); eq(r.getInt(1), 2, "numeric lookup id"); check(!r.next(), "one row");
            p.setBigDecimal(1, new BigDecimal("2147483646.5"));
            check(!p.executeQuery().next(), "a fraction equals no integer");
        }
        // setDouble on the integer columns: a float equals the integer it is, and nothing else.
        try (PreparedStatement p = c.prepareStatement("SELECT id FROM jdbc WHERE i4 = ? OR i8 = ? ORDER BY id")) {
            p.setDouble(1, 2147483647.0); p.setDouble(2, -9.223372036854775808E18);
            ResultSet r = p.executeQuery();
            check(r.next(), "float8 lookups found"); eq(r.getInt(1), 1, "float8 on int8"); check(r.next(), "second float8 row"); eq(r.getInt(1), 2, "float8 on int4"); check(!r.next(), "two rows");
            p.setDouble(1, 2147483646.5); p.setDouble(2, 0.5);
            check(!p.executeQuery().next(), "a fractional float equals no integer");
        }
        try (PreparedStatement p = c.prepareStatement("SELECT id FROM jdbc WHERE d = ?")) {
            p.setObject(1, OffsetDateTime.of(2024, 2, 29, 0, 0, 0, 0, ZoneOffset.UTC));
            ResultSet r = p.executeQuery();
            check(r.next(), "timestamptz lookup on a date found"); eq(r.getInt(1), 1, "date lookup id"); check(!r.next(), "one date row");
            p.setObject(1, OffsetDateTime.of(2024, 2, 29, 0, 0, 1, 0, ZoneOffset.UTC));
            check(!p.executeQuery().next(), "not midnight: no date");
        }
        try (Statement s = c.createStatement()) { s.execute("SET enable_seqscan = off"); }
        try (PreparedStatement p = c.prepareStatement("EXPLAIN SELECT id FROM jdbc WHERE " + eqSql)) {
            p.setString(1, "ssn-2");
            ResultSet r = p.executeQuery();
            StringBuilder plan = new StringBuilder();
            while (r.next()) plan.append(r.getString(1)).append('\n');
            check(plan.toString().contains("jdbc_ssn_key") && !plan.toString().contains("Seq Scan"), "plan uses the index:\n" + plan);
        }
        try (Statement s = c.createStatement()) { s.execute("RESET enable_seqscan"); }

        try (PreparedStatement p = c.prepareStatement("UPDATE jdbc SET t = ?, i8 = ? WHERE id = ?")) {
            p.setString(1, "updated ✓"); p.setLong(2, -7); p.setInt(3, 2); eq(p.executeUpdate(), 1, "update count");
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO jdbc (id, ssn, t) VALUES (?, ?, ?) ON CONFLICT (ssn) DO UPDATE SET t = EXCLUDED.t")) {
            p.setInt(1, 4); p.setString(2, "ssn-upsert"); p.setString(3, "inserted"); p.executeUpdate();
            p.setInt(1, 5); p.setString(2, "ssn-upsert"); p.setString(3, "upserted"); p.executeUpdate();
        }
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT id, t, (SELECT i8::int8 FROM jdbc WHERE id = 2) FROM jdbc WHERE id >= 4")) {
            check(r.next(), "upserted row"); eq(r.getInt(1), 4, "upsert kept the id"); eq(r.getString(2), "upserted", "upsert t");
            eq(r.getLong(3), -7L, "updated i8"); check(!r.next(), "one upserted row");
        }

        // CopyManager: text COPY out of one table and into another.
        CopyManager cm = c.unwrap(PGConnection.class).getCopyAPI();
        StringWriter out = new StringWriter();
        cm.copyOut("COPY (SELECT * FROM jdbc WHERE id <= 3 ORDER BY id) TO STDOUT", out);
        check(out.toString().startsWith("1\tssn-canary-1\tZürich ✓ 日本 canary\t\\\\x00ff01"), "copy out: " + out.toString().substring(0, 60));
        try (Statement s = c.createStatement()) { s.execute(ddl("jdbc_copy")); }
        eq(cm.copyIn("COPY jdbc_copy FROM STDIN", new StringReader(out.toString())), 3L, "copy in count");
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                "SELECT count(*) FROM jdbc_copy c JOIN jdbc j ON j.id = c.id AND j.ssn = c.ssn WHERE c.t::text = j.t::text")) {
            r.next(); eq(r.getLong(1), 3L, "copied rows equal");
        }
    }
}
