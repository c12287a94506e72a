"""The old system's tables as TypeORM's ``synchronize`` made them (../shared/legacy/SCHEMA.md):
camelCase columns, ``<table>_<column>_enum`` types, the hashed constraint names, and the
three timestamps on every table."""

# TypeORM's @CreateDateColumn, @UpdateDateColumn and @DeleteDateColumn.
_TIMESTAMPS = """
    "created_at" TIMESTAMP NOT NULL DEFAULT now(),
    "updated_at" TIMESTAMP NOT NULL DEFAULT now(),
    "deleted_at" TIMESTAMP WITH TIME ZONE"""

CUSTOMER = f"""
CREATE TYPE "customer_gender_enum" AS ENUM ('M', 'F');
CREATE TABLE "customer" (
    "id" SERIAL NOT NULL,
    "email" character varying(50) NOT NULL,
    "fullName" character varying(50) NOT NULL,
    "nationalId" character varying(50) NOT NULL,
    "gender" "customer_gender_enum" DEFAULT 'M',
    "password" character varying(100) NOT NULL,{_TIMESTAMPS},
    CONSTRAINT "UQ_fdb2f3ad8115da4c7718109a6eb" UNIQUE ("email"),
    CONSTRAINT "PK_a7a13f4cacb744524e44dfdad32" PRIMARY KEY ("id")
);
"""

WALLET = f"""
CREATE TYPE "wallet_wallettype_enum" AS ENUM ('saving', 'personal', 'loan');
CREATE TABLE "wallet" (
    "id" SERIAL NOT NULL,
    "accNumber" character varying NOT NULL,
    "walletType" "wallet_wallettype_enum" DEFAULT 'personal',
    "balance" numeric(12,2) NOT NULL,
    "customerId" integer NOT NULL,{_TIMESTAMPS},
    CONSTRAINT "UQ_5a6b0ab1a45e13f9b3b5ac6b6d5" UNIQUE ("accNumber"),
    CONSTRAINT "PK_bec464dd8d54c39c54fd32e2334" PRIMARY KEY ("id")
);
CREATE TYPE "wallet_activity_log_action_enum" AS ENUM ('debit', 'credit');
CREATE TABLE "wallet_activity_log" (
    "id" SERIAL NOT NULL,
    "transactionId" integer NOT NULL,
    "amount" numeric(12,2) NOT NULL,
    "action" "wallet_activity_log_action_enum",
    "walletId" integer,{_TIMESTAMPS},
    CONSTRAINT "PK_1b8b2a4e3f0c6a0f1e6a5b0b5d1" PRIMARY KEY ("id")
);
ALTER TABLE "wallet_activity_log" ADD CONSTRAINT "FK_8a2b6b1c2c0a3a5b1f0e2d7c9a4"
    FOREIGN KEY ("walletId") REFERENCES "wallet"("id") ON DELETE NO ACTION ON UPDATE NO ACTION;
"""

TRANSACTION = f"""
CREATE TYPE "transaction_status_enum" AS ENUM ('pending', 'completed', 'failed');
CREATE TABLE "transaction" (
    "id" SERIAL NOT NULL,
    "amount" numeric(12,2) NOT NULL,
    "status" "transaction_status_enum" DEFAULT 'pending',
    "senderAcc" character varying NOT NULL,
    "receiverAcc" character varying NOT NULL,{_TIMESTAMPS},
    CONSTRAINT "PK_89eadb93a89810556e1cbcd6ab9" PRIMARY KEY ("id")
);
"""
