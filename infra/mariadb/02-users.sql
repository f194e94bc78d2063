-- Accounts of the local stack. Re-runnable. On a cluster the DBA creates the same accounts with real passwords.
-- gmall: the application (mock writes, tests read).
CREATE USER IF NOT EXISTS 'gmall'@'127.0.0.1' IDENTIFIED BY 'gmall';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX ON gmall.* TO 'gmall'@'127.0.0.1';
-- canal: the CDC reader; the grants Canal needs to read MariaDB's binlog (STACK.md).
CREATE USER IF NOT EXISTS 'canal'@'127.0.0.1' IDENTIFIED BY 'canal';
GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR, SLAVE MONITOR ON *.* TO 'canal'@'127.0.0.1';
FLUSH PRIVILEGES;
