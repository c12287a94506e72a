"""Settings every process reads from the environment (prefix ``TEKANA_``)."""

from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432"


class CommonSettings(BaseSettings):
    """What every Tekana process needs; each process subclasses it with its own fields."""

    model_config = SettingsConfigDict(env_prefix="TEKANA_", extra="ignore")

    log_level: str = "INFO"
    # "auto" renders for humans on a terminal and JSON lines everywhere else.
    log_format: Literal["auto", "json", "console"] = "auto"
    # Wallets created without a currency, and every amount on the legacy API, use this one.
    default_currency: str = "USD"


class ServiceSettings(CommonSettings):
    """A gRPC service owning one PostgreSQL database."""

    # Server URL without a database name; each service appends its own database.
    database_url: str = DEFAULT_DATABASE_URL
    database_pool_max: int = 10
    grpc_host: str = "127.0.0.1"
    grpc_port: int
    database_name: str
