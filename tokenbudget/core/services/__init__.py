"""The one door of the core: the services that the command line and the GUI call.

``Service`` is made once per process (per thread for the ledger's sake) and offers one service
per domain; each holds no state of its own beyond the shared, private parts
(``services._parts``)::

    service.counting    count and price texts; the catalogue's models
    service.entries     record spend; history, totals, edits, export
    service.plans       plans, their status, alerts
    service.imports     usage from coding tools' logs
    service.limits      official plan limits the tools logged
    service.prices      the price snapshot and its updates
    service.settings    the user's preferences
    service.providers   API keys and what they turn on
    service.devices     spend and plans shared with the user's other devices

The user interfaces import only this package and frozen data types; the parts (ledger,
catalogue, vocabularies, key store) are never handed out.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from tokenbudget.core.catalog import Catalog
    from tokenbudget.core.import_report import ImportReport

    # Where the app's own files are: the GUI needs them before a Service exists (its icons,
    # the single-instance socket's name).
    from tokenbudget.core.launcher import (
        install_launcher,
        launcher_installed,
        uninstall_launcher,
    )
    from tokenbudget.core.paths import data_dir, i18n_dir, icons_dir
    from tokenbudget.core.secrets import SecretStore
    from tokenbudget.core.services._parts import Parts
    from tokenbudget.core.services.counting import (
        CountingService,
        CountReport,
        Counts,
        ModelEstimate,
        TextCounts,
        exact_method,
    )
    from tokenbudget.core.services.devices import DevicesService
    from tokenbudget.core.services.entries import EntriesService, HistoryJobs
    from tokenbudget.core.services.imports import ImportsService
    from tokenbudget.core.services.limits import LimitsService
    from tokenbudget.core.services.plans import PlansService
    from tokenbudget.core.services.prices import PricesService
    from tokenbudget.core.services.providers import ProvidersService
    from tokenbudget.core.services.settings import SettingsService
    from tokenbudget.core.settings import Settings
    from tokenbudget.core.tokenizers import TokenizerRegistry

# The public names, each imported from its module on first use (PEP 562): a command that needs
# one service (the status line runs after every Claude Code message) loads only that one.
_WHERE = {
    "CountReport": "tokenbudget.core.services.counting",
    "CountingService": "tokenbudget.core.services.counting",
    "DevicesService": "tokenbudget.core.services.devices",
    "Counts": "tokenbudget.core.services.counting",
    "EntriesService": "tokenbudget.core.services.entries",
    "HistoryJobs": "tokenbudget.core.services.entries",
    "ImportReport": "tokenbudget.core.import_report",
    "ImportsService": "tokenbudget.core.services.imports",
    "LimitsService": "tokenbudget.core.services.limits",
    "ModelEstimate": "tokenbudget.core.services.counting",
    "PlansService": "tokenbudget.core.services.plans",
    "PricesService": "tokenbudget.core.services.prices",
    "ProvidersService": "tokenbudget.core.services.providers",
    "SettingsService": "tokenbudget.core.services.settings",
    "TextCounts": "tokenbudget.core.services.counting",
    "data_dir": "tokenbudget.core.paths",
    "exact_method": "tokenbudget.core.services.counting",
    "i18n_dir": "tokenbudget.core.paths",
    "icons_dir": "tokenbudget.core.paths",
    # The desktop menu entry (``tokenbudget --install-desktop``, the first-start offer).
    "install_launcher": "tokenbudget.core.launcher",
    "launcher_installed": "tokenbudget.core.launcher",
    "uninstall_launcher": "tokenbudget.core.launcher",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module when first asked for."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "CountReport",
    "CountingService",
    "Counts",
    "DevicesService",
    "EntriesService",
    "HistoryJobs",
    "ImportReport",
    "ImportsService",
    "LimitsService",
    "ModelEstimate",
    "PlansService",
    "PricesService",
    "ProvidersService",
    "Service",
    "SettingsService",
    "TextCounts",
    "data_dir",
    "exact_method",
    "i18n_dir",
    "icons_dir",
    "install_launcher",
    "launcher_installed",
    "uninstall_launcher",
]


class _Deferred:
    """Stands for ``service.counting`` until one of its attributes is first used."""

    def __init__(self, service: Service) -> None:
        self._service = service

    def __getattr__(self, name: str) -> Any:
        return getattr(self._service.counting, name)


class Service:
    """Everything the user interfaces need, without any UI.

    Args:
        registry: Vocabularies to count with (default: the bundled ones).
        settings: Preferences (default: the user's settings file).
        catalog: Models and prices (default: the bundled snapshot, updates and overrides).
        secrets: Where keys live (default: the OS keyring).
    """

    def __init__(
        self,
        registry: TokenizerRegistry | None = None,
        *,
        settings: Settings | None = None,
        catalog: Catalog | None = None,
        secrets: SecretStore | None = None,
    ) -> None:
        from tokenbudget.core.services._parts import Parts

        self._wire(Parts(registry, settings, catalog, secrets))

    def _wire(self, parts: Parts) -> None:
        self._parts = parts

    # Each service is made (and its module imported) on first use.

    @cached_property
    def counting(self) -> CountingService:
        """Count and price texts; the catalogue's models."""
        from tokenbudget.core.services.counting import CountingService

        return CountingService(self._parts)

    @cached_property
    def entries(self) -> EntriesService:
        """Record spend; history, totals, edits, export."""
        from tokenbudget.core.services.entries import EntriesService

        # Only recording an estimate counts; reading totals (the status line) must not load
        # the tokenizers, so the counting service is made when first used.
        return EntriesService(self._parts, cast("CountingService", _Deferred(self)))

    @cached_property
    def plans(self) -> PlansService:
        """Plans, their status, alerts."""
        from tokenbudget.core.services.plans import PlansService

        return PlansService(self._parts)

    @cached_property
    def imports(self) -> ImportsService:
        """Usage from coding tools' logs."""
        from tokenbudget.core.services.imports import ImportsService

        return ImportsService(self._parts)

    @cached_property
    def limits(self) -> LimitsService:
        """Official plan limits the tools logged; Claude Code's status line."""
        from tokenbudget.core.services.limits import LimitsService

        return LimitsService(self._parts)

    @cached_property
    def prices(self) -> PricesService:
        """The price snapshot and its updates."""
        from tokenbudget.core.services.prices import PricesService

        return PricesService(self._parts)

    @cached_property
    def settings(self) -> SettingsService:
        """The user's preferences."""
        from tokenbudget.core.services.settings import SettingsService

        return SettingsService(self._parts)

    @cached_property
    def providers(self) -> ProvidersService:
        """API keys and what they turn on."""
        from tokenbudget.core.services.providers import ProvidersService

        return ProvidersService(self._parts)

    @cached_property
    def devices(self) -> DevicesService:
        """Spend and plans shared with the user's other devices."""
        from tokenbudget.core.services.devices import DevicesService

        return DevicesService(self._parts)

    @property
    def recover_ledger(self) -> bool:
        """Whether a ledger that is no database is moved aside (True) or refused."""
        return self._parts.recover_ledger

    @recover_ledger.setter
    def recover_ledger(self, value: bool) -> None:
        self._parts.recover_ledger = value

    @property
    def recover_prices(self) -> bool:
        """Whether a broken prices.json is set aside for the bundled prices (the window)."""
        return self._parts.recover_prices

    @recover_prices.setter
    def recover_prices(self, value: bool) -> None:
        self._parts.recover_prices = value

    @property
    def ledger_location(self) -> str:
        """Where the ledger file is (for messages)."""
        return self._parts.ledger_path

    def for_worker(self) -> Service:
        """A service for another thread.

        It has a ledger connection of its own (SQLite connections belong to one thread) and
        shares the vocabularies, catalogue, settings and key store.
        """
        worker = Service.__new__(Service)
        worker._wire(self._parts.sibling())
        return worker

    def close(self) -> None:
        """Release what is open (the ledger)."""
        self._parts.close()

    def warnings(self) -> Sequence[str]:
        """One-line warnings about the user's files seen so far (oldest first)."""
        return tuple(self._parts.warnings)
