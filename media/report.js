// Filters of the benchmark report (benchmark/reportHtml.ts): inlined into report.html, loaded by the webview.
(function(){
  var q=function(id){return document.getElementById(id);};
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
