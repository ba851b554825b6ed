// The headless server hands out the home's token in the page's URL (and sets
// the session cookie from it). It is also kept in sessionStorage, so the tab
// still gets in should cookies be blocked.
const STORAGE_KEY = 'fixmatchLab.token'

export interface TokenPlace {
  location: Pick<Location, 'search' | 'pathname' | 'hash'>
  sessionStorage: Pick<Storage, 'getItem' | 'setItem'>
  history?: Pick<History, 'replaceState'>
}

export function readToken(place: TokenPlace): string | null {
  const params = new URLSearchParams(place.location.search)
  const fromUrl = params.get('token')
  if (fromUrl) {
    place.sessionStorage.setItem(STORAGE_KEY, fromUrl)
    // keep the secret out of the address bar, bookmarks and screenshots
    params.delete('token')
    const rest = params.toString()
    place.history?.replaceState(null, '', place.location.pathname + (rest ? `?${rest}` : '') + place.location.hash)
    return fromUrl
  }
  return place.sessionStorage.getItem(STORAGE_KEY)
}
