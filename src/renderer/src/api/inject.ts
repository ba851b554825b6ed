// Views reach the client through provide/inject, so tests can mount any view
// with a fake LabClient.
import { inject, type InjectionKey } from 'vue'
import type { LabClient } from '../../../shared/api.ts'
import type { Connection } from './connection.ts'

export const LAB_CLIENT: InjectionKey<LabClient> = Symbol('lab client')
export const LAB_CONNECTION: InjectionKey<Connection> = Symbol('lab connection')

export function useLab(): LabClient {
  const client = inject(LAB_CLIENT)
  if (!client) throw new Error('no LabClient provided: mount the view inside App or provide LAB_CLIENT')
  return client
}
