import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api';
import { Listing, usePaged } from '../../components/Listing';
import type { Partner } from '../../directory';
import { Errors, Field } from '../create-opportunity/fields';

/** The org's partner directory: the names the console shows next to partners' AWS accounts. */
export function Partners() {
  const [tag, setTag] = useState('');
  const list = usePaged<Partner & { contactEmail?: string }>('opportunity', '/v1/partners', {
    tag: /^[\w.:-]{1,40}$/.test(tag) ? tag : '',
  });
  const [name, setName] = useState('');
  const [account, setAccount] = useState('');
  const [email, setEmail] = useState('');
  const [tags, setTags] = useState('');
  const [errors, setErrors] = useState<string[]>([]);

  async function add(event: FormEvent) {
    event.preventDefault();
    try {
      await api('opportunity', '/v1/partners', {
        body: {
          name,
          awsAccountId: account.trim(),
          ...(email.trim() ? { contactEmail: email.trim() } : {}),
          tags: tags.split(/[\s,]+/).filter(Boolean),
        },
      });
      setName('');
      setAccount('');
      setEmail('');
      setTags('');
      setErrors([]);
      list.reload();
    } catch (caught) {
      setErrors(
        caught instanceof ApiError && caught.messages.length ? caught.messages : [(caught as Error).message],
      );
    }
  }

  async function remove(partner: Partner) {
    if (!window.confirm(`Remove ${partner.name} from the directory? Its authorizations stay.`)) return;
    await api('opportunity', `/v1/partners/${partner.id}`, { method: 'DELETE' }).catch((caught: Error) =>
      list.setError(caught.message),
    );
    list.reload();
  }

  const about = (field: string) => errors.filter((m) => m.startsWith(field));
  return (
    <>
      <Listing
        title="Partners"
        filters={
          <label>
            Tag
            <input value={tag} onChange={(e) => setTag(e.target.value)} />
          </label>
        }
        headers={['Name', 'AWS account', 'Contact', 'Tags', 'Actions']}
        rows={list.items.map((p) => [
          p.name,
          p.awsAccountId,
          p.contactEmail ?? '—',
          p.tags.join(', ') || '—',
          <button type="button" onClick={() => void remove(p)}>
            Remove {p.name}
          </button>,
        ])}
        error={list.error}
        more={list.more}
        empty="No partners yet: add the partners you authorize, and the console shows their names."
      />
      <form onSubmit={add} noValidate aria-label="Add a partner">
        <h2>Add a partner</h2>
        <div className="row">
          <Field label="Partner name" errors={about('name')}>
            {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label="Partner AWS account" errors={about('awsAccountId').concat(about('AWS account'))}>
            {(props) => (
              <input
                {...props}
                inputMode="numeric"
                value={account}
                onChange={(e) => setAccount(e.target.value)}
              />
            )}
          </Field>
          <Field label="Contact e-mail" errors={about('contactEmail')}>
            {(props) => (
              <input {...props} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
            )}
          </Field>
          <Field label="Tags (comma-separated)" errors={about('each tag')}>
            {(props) => <input {...props} value={tags} onChange={(e) => setTags(e.target.value)} />}
          </Field>
        </div>
        <Errors
          messages={errors.filter(
            (m) =>
              !['name', 'awsAccountId', 'AWS account', 'contactEmail', 'each tag'].some((f) =>
                m.startsWith(f),
              ),
          )}
        />
        <button type="submit">Add partner</button>
      </form>
    </>
  );
}
