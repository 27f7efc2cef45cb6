import { useEffect, useState } from 'react';
import { api } from './api';

/** A product as GET /v1/products answers it. */
export interface CatalogProduct {
  id: string;
  title?: string;
  productCode?: string;
  visibility?: string;
  dimensions: { key: string; name?: string; unit?: string; entitled: boolean; metered: boolean }[];
}

/** A partner of the org's directory (GET /v1/partners). */
export interface Partner {
  id: string;
  name: string;
  awsAccountId: string;
  tags: string[];
}

/**
 * Names for ids: the org's products (the Catalog, through the opportunity service) and its partner directory,
 * read once per page. Either may be missing (no AWS access yet, an empty directory): ids are shown then.
 */
export function useDirectory() {
  const [products, setProducts] = useState<CatalogProduct[]>([]);
  const [partners, setPartners] = useState<Partner[]>([]);
  useEffect(() => {
    let live = true;
    api<{ items: CatalogProduct[] }>('opportunity', '/v1/products')
      .then((answer) => live && setProducts(answer.items))
      .catch(() => undefined); // the form still takes a typed product id
    api<{ items: Partner[] }>('opportunity', '/v1/partners?limit=200')
      .then((answer) => live && setPartners(answer.items))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  const partnerByAccount = new Map(partners.map((p) => [p.awsAccountId, p]));
  const productById = new Map(products.map((p) => [p.id, p]));
  return {
    products,
    partners,
    product: (id: string) => productById.get(id),
    /** "Name (account)" when the directory knows the account; else the account. */
    partnerLabel: (account: string) => {
      const found = partnerByAccount.get(account);
      return found ? `${found.name} (${account})` : account;
    },
    productLabel: (id: string) => productById.get(id)?.title ?? id,
  };
}
