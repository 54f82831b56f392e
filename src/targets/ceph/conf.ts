/** What makes one throwaway cluster's configuration. */
export interface CephConfSpec {
  /** The cluster's folder: every path the daemons use is inside it. */
  dir: string;
  fsid: string;
  osds: number;
  /** The monitor's msgr2 and legacy ports: free ports, so that two clusters can run at once. */
  monPorts: { v2: number; v1: number };
  rgwPort: number;
  /**
   * With a network of its own (netns.ts): the monitor's and radosgw's addresses on it, and the
   * /24 every daemon binds in. Without: all on loopback.
   */
  network?: { monIp: string; rgwIp: string; cidr: string };
}

/** The monitor's address as Ceph writes it, for ceph.conf and monmaptool. */
export function monAddress(p: CephConfSpec['monPorts'], ip = '127.0.0.1'): string {
  return `[v2:${ip}:${p.v2},v1:${ip}:${p.v1}]`;
}

/**
 * ceph.conf for a single-host cluster: no authentication (it only listens on loopback), pools
 * sized to the OSDs (with 3, a write needs 2 copies, so one OSD may die while the others serve),
 * bluestore on sparse files so that an OSD killed with SIGKILL keeps what it acknowledged.
 */
export function cephConf(s: CephConfSpec): string {
  const d = s.dir;
  return `[global]
fsid = ${s.fsid}
mon host = ${monAddress(s.monPorts, s.network?.monIp)}
${s.network ? `public network = ${s.network.cidr}\ncluster network = ${s.network.cidr}\n` : ''}auth cluster required = none
auth service required = none
auth client required = none
ms mon cluster mode = crc
ms mon service mode = crc
ms mon client mode = crc
ms cluster mode = crc
ms service mode = crc
ms client mode = crc
osd pool default size = ${s.osds}
osd pool default min size = ${s.osds >= 3 ? 2 : 1}
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
run dir = ${d}/run
admin socket = ${d}/run/$name.asok
pid file = ${d}/run/$name.pid
log file = ${d}/log/$name.log
keyring = ${d}/keyring
[mon]
mon data = ${d}/mon
mon cluster log file = ${d}/log/cluster.log
[mgr]
mgr data = ${d}/mgr
[osd]
osd data = ${d}/osd$id
osd objectstore = bluestore
bluestore block create = true
bluestore block size = 4294967296
bluestore fsck on mkfs = false
osd memory target = 939524096
[client.rgw.a]
rgw frontends = beast endpoint=${s.network?.rgwIp ?? '127.0.0.1'}:${s.rgwPort} tcp_nodelay=1
rgw data = ${d}/rgw
`;
}
