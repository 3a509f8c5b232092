"""The parts behind the services: settings, vocabularies, catalogue, ledger and key store.

Private to ``core.services``: the user interfaces never hold a part, they call the services
(``Service.counting``, ``.plans``, ``.entries`` ...), and each service reaches its parts here.
Everything is made on first use, so a command that needs no ledger never opens one and a
count that needs one vocabulary loads only that one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tokenbudget.core import paths
from tokenbudget.core.settings import Settings

if TYPE_CHECKING:
    from tokenbudget.core.catalog import Catalog
    from tokenbudget.core.ledger import Ledger
    from tokenbudget.core.secrets import SecretStore
    from tokenbudget.core.tokenizers import TokenizerRegistry


class Parts:
    """The shared, lazily made state of one ``Service``. Not for use outside the services."""

    def __init__(
        self,
        registry: TokenizerRegistry | None,
        settings: Settings | None,
        catalog: Catalog | None,
        secrets: SecretStore | None,
    ) -> None:
        self._registry = registry
        self._catalog = catalog
        self._secrets = secrets
        self._ledger: Ledger | None = None
        #: One-line warnings for the user (a broken settings or prices file), newest last.
        self.warnings: list[str] = []
        if settings is None:
            settings = Settings.load_or_defaults(paths.config_dir() / "settings.json")
            if settings.warning:
                self.warnings.append(settings.warning)
        self.settings = settings
        #: False to refuse a corrupt ledger instead of moving it aside (``--no-recover``).
        self.recover_ledger = True
        #: True to start without a broken prices.json (reported in ``warnings``).
        self.recover_prices = False

    @property
    def registry(self) -> TokenizerRegistry:
        """The bundled vocabularies (each loaded on first use)."""
        if self._registry is None:
            from tokenbudget.core.tokenizers import TokenizerRegistry

            self._registry = TokenizerRegistry.bundled()
        return self._registry

    @property
    def catalog(self) -> Catalog:
        """The model catalogue, loaded on first use."""
        if self._catalog is None:
            from tokenbudget.core.catalog_files import load_catalog_or_bundled

            self._catalog, warning = load_catalog_or_bundled(
                paths.resources_dir() / "prices",
                updated_dir=paths.price_snapshot_dir(),
                overrides_file=paths.price_overrides_file(),
                tokenizer_ids=self.registry.ids(),
                strict=not self.recover_prices,
            )
            if warning:
                self.warnings.append(warning)
        return self._catalog

    def forget_catalog(self) -> None:
        """Load the catalogue again on next use (prices were updated)."""
        self._catalog = None

    @property
    def secrets(self) -> SecretStore:
        """Where API keys live: the OS keyring unless another store was given."""
        if self._secrets is None:
            from tokenbudget.core.secrets import KeyringStore

            self._secrets = KeyringStore(
                allow_plaintext=bool(self.settings.get("allow_plaintext_keyring"))
            )
        return self._secrets

    @property
    def ledger(self) -> Ledger:
        """The ledger database, opened on first use (on the thread that first asks).

        Raises:
            LedgerCorruptError: when the database is not usable and recovery is off.
        """
        if self._ledger is None:
            from tokenbudget.core.ledger import Ledger

            self._ledger = Ledger.open(paths.ledger_file(), recover=self.recover_ledger)
        return self._ledger

    @property
    def ledger_path(self) -> str:
        """Where the ledger lives (for messages, and for jobs that open their own connection)."""
        return str(paths.ledger_file())

    def device_names(self) -> tuple[dict[str, str], str | None]:
        """Devices' names by id for reports, and this device's id when it has one.

        This device's name is under ``THIS_DEVICE`` (its own entries have no ``device``).
        """
        from tokenbudget.core.device_names import device_names

        return device_names(self.ledger.sync_side(), paths.device_file())

    def sibling(self) -> Parts:
        """Parts for another thread.

        They share the vocabularies, catalogue, settings and key store, and have a ledger
        connection of their own that never moves a bad ledger aside (the UI decides that).
        """
        other = Parts(self.registry, self.settings, self._catalog, self._secrets)
        other.recover_ledger = False
        other.recover_prices = self.recover_prices
        return other

    def close(self) -> None:
        """Close the ledger if it was opened."""
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None
