// The benchmark report (benchmark/reportHtml.ts, benchmark/compareReport.ts): inlined into report.html,
// loaded by the webview. Filters the items of a run; in the webview, a comparison's "Open report"
// links ask the extension to open that cell's report.
(function(){
  var q=function(id){return document.getElementById(id);};
  var vscode=typeof acquireVsCodeApi==='function'?acquireVsCodeApi():undefined;
  document.addEventListener('click',function(e){
    var link=e.target&&e.target.closest?e.target.closest('a.open-cell'):null;
    if(link&&vscode){e.preventDefault();vscode.postMessage({type:'openCell',cell:link.getAttribute('data-cell')});}
  });
  if(!q('items')){return;}
  function apply(){
    var lib=q('f-lib').value, plot=q('f-plot').value, kind=q('f-kind').value;
    var lo=parseFloat(q('f-min').value), hi=parseFloat(q('f-max').value), text=q('f-text').value.trim().toLowerCase();
    var rows=document.querySelectorAll('tr.item'), shown=0;
    for(var i=0;i<rows.length;i++){
      var r=rows[i], ok=true;
      if(lib&&r.getAttribute('data-library')!==lib){ok=false;}
      if(plot&&r.getAttribute('data-plot')!==plot){ok=false;}
      var raw=r.getAttribute('data-'+kind), v=raw===''?NaN:parseFloat(raw);
      if((!isNaN(lo)||!isNaN(hi))&&isNaN(v)){ok=false;}
      if(!isNaN(lo)&&v<lo){ok=false;}
      if(!isNaN(hi)&&v>hi){ok=false;}
      if(text&&r.getAttribute('data-text').indexOf(text)<0){ok=false;}
      r.classList.toggle('hidden',!ok); if(ok){shown++;}
    }
    q('count').textContent=shown+' of '+rows.length+' shown';
  }
  ['f-lib','f-plot','f-kind','f-min','f-max','f-text'].forEach(function(id){q(id).addEventListener('input',apply);});
  apply();
})();
