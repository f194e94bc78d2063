package io.gmall.streaming.sale;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The user dimension as MariaDB holds it now, read once when the sale query first starts: users created
 * before the binlog the CDC topic begins with have no change in Kafka. Rows are shaped as the CDC relay
 * shapes them (DATETIME as ISO local text), so a version read here equals the same version read from CDC.
 */
public final class UserBootstrap {

    private UserBootstrap() {
    }

    public static List<Map<String, Object>> read(String jdbcUrl, String user, String password) {
        List<Map<String, Object>> users = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, user_level, birthday, gender, create_time, operate_time FROM user_info")) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", rs.getLong("id"));
                row.put("user_level", rs.getString("user_level"));
                row.put("birthday", rs.getString("birthday"));
                row.put("gender", rs.getString("gender"));
                row.put("create_time", iso(rs.getObject("create_time", LocalDateTime.class)));
                row.put("operate_time", iso(rs.getObject("operate_time", LocalDateTime.class)));
                users.add(row);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read gmall.user_info from " + jdbcUrl + " to bootstrap the user dimension: " + e.getMessage(), e);
        }
        return users;
    }

    private static String iso(LocalDateTime t) {
        return t == null ? null : t.toString();
    }
}
