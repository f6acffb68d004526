"""The simulated payment processor: deterministic outcomes chosen by test card numbers.

| Card number          | Outcome                                    |
| -------------------- | ------------------------------------------ |
| 4242 4242 4242 4242  | succeeds                                   |
| 4000 0000 0000 0002  | declined (`CARD_DECLINED`)                 |
| 4000 0000 0000 9995  | declined (`INSUFFICIENT_FUNDS`)            |
| 4000 0000 0000 0119  | the processor fails (`PROCESSOR_ERROR`)    |
| any other valid one  | succeeds                                   |

A number must be 12 to 19 digits (spaces and dashes ignored) with a valid Luhn check digit; anything
else is BAD_USER_INPUT before any order is written. Only the last four digits are kept. Transaction and
refund ids are derived from the order id, so the same order always shows the same ids. Every charge or
refund waits `latency_seconds` first, like a real processor would.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

from subgraphs.common.errors import BadUserInputError
from subgraphs.orders.models import PaymentFailure, PaymentMethod

SUCCESS_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"
INSUFFICIENT_FUNDS_CARD = "4000000000009995"
PROCESSOR_ERROR_CARD = "4000000000000119"

OUTCOMES: dict[str, PaymentFailure] = {
    DECLINED_CARD: PaymentFailure.CARD_DECLINED,
    INSUFFICIENT_FUNDS_CARD: PaymentFailure.INSUFFICIENT_FUNDS,
    PROCESSOR_ERROR_CARD: PaymentFailure.PROCESSOR_ERROR,
}
_SEPARATORS = re.compile(r"[\s-]")


@dataclass(frozen=True)
class Card:
    number: str

    @property
    def last4(self) -> str:
        return self.number[-4:]


@dataclass(frozen=True)
class PaymentOutcome:
    transaction_id: str
    failure: PaymentFailure | None

    @property
    def succeeded(self) -> bool:
        return self.failure is None


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def parse_card(method: PaymentMethod, number: str) -> Card:
    """The card to charge; BAD_USER_INPUT when the number cannot be a card number."""
    if method is not PaymentMethod.CARD:
        raise BadUserInputError("Only card payments are supported.", field="payment.method")
    digits = _SEPARATORS.sub("", number)
    if not digits.isdigit() or not 12 <= len(digits) <= 19 or not _luhn_valid(digits):
        raise BadUserInputError("The card number is not valid.", field="payment.cardNumber")
    return Card(number=digits)


def _simulated_id(prefix: str, order_id: uuid.UUID) -> str:
    return f"{prefix}_{hashlib.sha256(f'{prefix}:{order_id}'.encode()).hexdigest()[:24]}"


@dataclass(frozen=True)
class LedgerEntry:
    """One request the simulated processor handled (its dashboard, so to speak)."""

    kind: str  # "charge" or "refund"
    order_id: uuid.UUID
    amount: Decimal
    currency: str
    reference: str


class PaymentSimulator:
    """Charges and refunds, decided by the card number; `ledger` keeps every request it handled."""

    def __init__(self, *, latency_seconds: float = 0.0) -> None:
        self._latency = latency_seconds
        self.ledger: list[LedgerEntry] = []

    async def charge(
        self, *, order_id: uuid.UUID, amount: Decimal, currency: str, card: Card
    ) -> PaymentOutcome:
        await asyncio.sleep(self._latency)
        transaction_id = _simulated_id("sim_ch", order_id)
        self.ledger.append(LedgerEntry("charge", order_id, amount, currency, transaction_id))
        return PaymentOutcome(transaction_id=transaction_id, failure=OUTCOMES.get(card.number))

    async def refund(
        self, *, order_id: uuid.UUID, transaction_id: str, amount: Decimal, currency: str
    ) -> str:
        """The refund id of a successful charge (a simulated refund always goes through)."""
        await asyncio.sleep(self._latency)
        refund_id = _simulated_id("sim_re", order_id)
        self.ledger.append(LedgerEntry("refund", order_id, amount, currency, transaction_id))
        return refund_id
