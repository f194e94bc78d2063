-- The business tables of gmall (DESIGN.md). Re-runnable: applied on every ./gmall up.
CREATE DATABASE IF NOT EXISTS gmall CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS gmall.user_info (
  id            BIGINT       NOT NULL AUTO_INCREMENT,
  login_name    VARCHAR(64)  NOT NULL,
  nick_name     VARCHAR(64)  NULL,
  name          VARCHAR(64)  NULL,
  phone_num     VARCHAR(32)  NULL,
  email         VARCHAR(128) NULL,
  user_level    VARCHAR(16)  NOT NULL DEFAULT '1',
  birthday      DATE         NULL,
  gender        CHAR(1)      NULL COMMENT 'M or F',
  create_time   DATETIME(3)  NOT NULL,
  operate_time  DATETIME(3)  NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_user_login (login_name)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS gmall.sku_info (
  id            BIGINT        NOT NULL AUTO_INCREMENT,
  sku_name      VARCHAR(200)  NOT NULL,
  price         DECIMAL(10,2) NOT NULL,
  category      VARCHAR(64)   NOT NULL,
  tm_name       VARCHAR(64)   NULL COMMENT 'brand',
  create_time   DATETIME(3)   NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS gmall.order_info (
  id              BIGINT        NOT NULL AUTO_INCREMENT,
  consignee       VARCHAR(100)  NOT NULL,
  consignee_tel   VARCHAR(32)   NOT NULL,
  total_amount    DECIMAL(16,2) NOT NULL,
  order_status    VARCHAR(20)   NOT NULL,
  user_id         BIGINT        NOT NULL,
  payment_way     VARCHAR(20)   NULL,
  delivery_address VARCHAR(500) NULL,
  province        VARCHAR(32)   NOT NULL COMMENT 'the area of the behaviour logs',
  create_time     DATETIME(3)   NOT NULL,
  operate_time    DATETIME(3)   NULL,
  PRIMARY KEY (id),
  KEY idx_order_user (user_id),
  KEY idx_order_create (create_time)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS gmall.order_detail (
  id            BIGINT        NOT NULL AUTO_INCREMENT,
  order_id      BIGINT        NOT NULL,
  sku_id        BIGINT        NOT NULL,
  sku_name      VARCHAR(200)  NOT NULL,
  order_price   DECIMAL(10,2) NOT NULL,
  sku_num       INT           NOT NULL,
  create_time   DATETIME(3)   NOT NULL,
  PRIMARY KEY (id),
  KEY idx_detail_order (order_id)
) ENGINE=InnoDB;

-- One row the launcher updates to check the CDC path end to end (MariaDB -> Canal -> relay -> Kafka).
CREATE TABLE IF NOT EXISTS gmall.cdc_heartbeat (
  id       TINYINT     NOT NULL,
  beat     VARCHAR(64) NOT NULL,
  beat_at  DATETIME(3) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;
