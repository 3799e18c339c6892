import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { Draft } from 'immer';
import {
  commandCodec,
  decodeByType,
  domainError,
  eventCodec,
  IsoInstant,
  NonEmptyString,
  type Command,
  type Decider,
  type DomainError,
  type Event,
} from '@ordersource/core';

/**
 * CUS-2 (seed 000): "a customer set as a contact of a company sees all the
 * documents of that company". One `company-<id>` stream holds who its
 * contacts are; access is read from it (`directory.ts`), never from what a
 * session claims, so a contact who is removed loses access at once.
 * Contacts are managed by the shop (Odoo's address book), not by customers.
 */

export const CompanyRegisteredData = t.strict(
  { at: IsoInstant, companyId: NonEmptyString, name: NonEmptyString },
  'CompanyRegisteredData',
);
export const CompanyContactData = t.strict({ at: IsoInstant, customerId: NonEmptyString }, 'CompanyContactData');

export const CompanyEventCodec = t.union(
  [
    eventCodec('CompanyRegistered', CompanyRegisteredData),
    eventCodec('CompanyContactAdded', CompanyContactData),
    eventCodec('CompanyContactRemoved', CompanyContactData),
  ],
  'CompanyEvent',
);
export type CompanyEvent =
  | Event<'CompanyRegistered', t.TypeOf<typeof CompanyRegisteredData>>
  | Event<'CompanyContactAdded', t.TypeOf<typeof CompanyContactData>>
  | Event<'CompanyContactRemoved', t.TypeOf<typeof CompanyContactData>>;

export const COMPANY_STREAM_PREFIX = 'company-';
export const companyStreamId = (companyId: string): string => `${COMPANY_STREAM_PREFIX}${companyId}`;

export const RegisterCompanyData = t.strict({ companyId: NonEmptyString, name: NonEmptyString }, 'RegisterCompanyData');
const ContactData = t.strict({ customerId: NonEmptyString }, 'ContactData');
// One codec under each command's name, so tools that read `<Type>Data` (docs/wire-format.md) find them.
export const AddCompanyContactData = ContactData;
export const RemoveCompanyContactData = ContactData;

export type CompanyCommand =
  | Command<'RegisterCompany', t.TypeOf<typeof RegisterCompanyData>>
  | Command<'AddCompanyContact', t.TypeOf<typeof ContactData>>
  | Command<'RemoveCompanyContact', t.TypeOf<typeof ContactData>>;

/** Unknown keys are named as unknown fields; never throws. */
export const decodeCompanyCommand = decodeByType(
  'company command',
  [
    commandCodec('RegisterCompany', RegisterCompanyData),
    commandCodec('AddCompanyContact', ContactData),
    commandCodec('RemoveCompanyContact', ContactData),
  ] as unknown as readonly t.Type<CompanyCommand, unknown, unknown>[],
  'CompanyCommandType',
);

export type CompanyState = Readonly<{
  companyId: string;
  name: string;
  registered: boolean;
  contacts: readonly string[];
}>;

export const initialCompanyState: CompanyState = { companyId: '', name: '', registered: false, contacts: [] };

export const evolveCompany = (draft: Draft<CompanyState>, event: CompanyEvent): void => {
  switch (event.type) {
    case 'CompanyRegistered':
      draft.registered = true;
      draft.companyId = event.data.companyId;
      draft.name = event.data.name;
      return;
    case 'CompanyContactAdded':
      if (!draft.contacts.includes(event.data.customerId)) draft.contacts.push(event.data.customerId);
      return;
    case 'CompanyContactRemoved':
      draft.contacts = draft.contacts.filter((id) => id !== event.data.customerId);
      return;
  }
};

type Decision = E.Either<DomainError, readonly CompanyEvent[]>;

export const decideCompany = (command: CompanyCommand, state: CompanyState): Decision => {
  const { actor, at } = command.metadata;
  if (actor.kind !== 'admin' && actor.kind !== 'system')
    return E.left(domainError('forbidden', `a ${actor.kind} (${actor.id}) may not manage company contacts`));
  switch (command.type) {
    case 'RegisterCompany':
      return state.registered
        ? E.left(domainError('company-exists', `company ${state.companyId} exists already`))
        : E.right([{ type: 'CompanyRegistered', data: { at, ...command.data } }]);
    case 'AddCompanyContact':
    case 'RemoveCompanyContact': {
      if (!state.registered) return E.left(domainError('company-not-found', 'no such company'));
      const { customerId } = command.data;
      const present = state.contacts.includes(customerId);
      // Adding a present contact or removing an absent one changes nothing: an empty decision.
      if ((command.type === 'AddCompanyContact') === present) return E.right([]);
      return E.right([
        {
          type: command.type === 'AddCompanyContact' ? 'CompanyContactAdded' : 'CompanyContactRemoved',
          data: { at, customerId },
        },
      ]);
    }
  }
};

export const companyDecider: Decider<CompanyCommand, CompanyEvent, CompanyState> = {
  initialState: initialCompanyState,
  decide: decideCompany,
  evolve: evolveCompany,
};
